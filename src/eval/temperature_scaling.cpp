#include "eval/temperature_scaling.h"

#include <algorithm>
#include <cmath>

#include "core/autocast.h"
#include "core/error.h"

namespace dign::eval {

namespace {

void check_input(const torch::Tensor& logits, const torch::Tensor& labels) {
  DIGN_CHECK(logits.dim() == 2 && logits.size(0) > 0 && logits.size(1) > 0,
             "temperature scaling: expected logits [N, C] with N, C >= 1, got ", logits.sizes());
  DIGN_CHECK(labels.dim() == 1 && labels.size(0) == logits.size(0),
             "temperature scaling: expected ", logits.size(0), " labels, got ", labels.sizes());
  DIGN_CHECK(labels.min().item<int64_t>() >= 0 && labels.max().item<int64_t>() < logits.size(1),
             "temperature scaling: labels outside [0, ", logits.size(1), ")");
}

// f'(b) and f''(b) of the NLL at inverse temperature b (see fit_temperature).
struct Derivatives {
  double first = 0.0, second = 0.0;
};

Derivatives derivatives(const torch::Tensor& z, const torch::Tensor& z_label, double b) {
  const torch::Tensor p = torch::softmax(z * b, 1);
  const torch::Tensor mean = (p * z).sum(1);                   // E_p z
  const torch::Tensor var = (p * z * z).sum(1) - mean * mean;  // Var_p z
  return {(mean - z_label).mean().item<double>(), var.clamp_min(0).mean().item<double>()};
}

}  // namespace

double temperature_nll(const torch::Tensor& logits, const torch::Tensor& labels,
                       double temperature) {
  check_input(logits, labels);
  DIGN_CHECK(temperature > 0 && std::isfinite(temperature),
             "temperature scaling: expected a temperature > 0, got ", temperature);
  const torch::Tensor z = logits.to(torch::kCPU, torch::kFloat64) / temperature;
  const torch::Tensor y = labels.to(torch::kCPU, torch::kInt64).unsqueeze(1);
  return (torch::logsumexp(z, 1) - z.gather(1, y).squeeze(1)).mean().item<double>();
}

TemperatureFit fit_temperature(const torch::Tensor& logits, const torch::Tensor& labels,
                               const TemperatureFitOptions& o) {
  check_input(logits, labels);
  DIGN_CHECK(o.min_temperature > 0 && o.min_temperature < o.max_temperature,
             "temperature scaling: expected 0 < min_temperature < max_temperature");
  const torch::NoGradGuard no_grad;
  // Double precision: the logits are fp32, the sums over N images should not lose digits.
  const torch::Tensor z = logits.to(torch::kCPU, torch::kFloat64);
  const torch::Tensor z_label =
      z.gather(1, labels.to(torch::kCPU, torch::kInt64).unsqueeze(1)).squeeze(1);
  TemperatureFit fit;
  fit.nll_before = temperature_nll(z, labels, 1.0);
  // Bracket [lo, hi] of b = 1/T with f'(lo) < 0 < f'(hi) (f' increasing).
  double lo = 1.0 / o.max_temperature, hi = 1.0 / o.min_temperature;
  const Derivatives at_lo = derivatives(z, z_label, lo), at_hi = derivatives(z, z_label, hi);
  double b = 1.0;
  if (at_lo.first >= 0 && at_hi.first <= 0) {
    b = 1.0;  // f' == 0 throughout (every image's logits equal): any T; keep 1
  } else if (at_lo.first >= 0) {
    b = lo;  // the NLL only grows with b: T at its upper bound
    fit.at_bound = true;
  } else if (at_hi.first <= 0) {
    b = hi;  // still falling at the largest b: the calibration set is separated, T -> 0
    fit.at_bound = true;
  } else {
    b = std::clamp(1.0, lo, hi);
    for (fit.iterations = 1; fit.iterations <= o.max_iterations; ++fit.iterations) {
      const Derivatives d = derivatives(z, z_label, b);
      if (d.first == 0) break;
      (d.first < 0 ? lo : hi) = b;
      double next = d.second > 0 ? b - d.first / d.second : 0.5 * (lo + hi);
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);  // Newton left the bracket
      const double change = std::abs(next - b) / b;
      b = next;
      if (change < o.tolerance || (hi - lo) / b < o.tolerance) break;
    }
  }
  fit.temperature = 1.0 / b;
  fit.nll_after = temperature_nll(z, labels, fit.temperature);
  return fit;
}

torch::Tensor predict_logits(models::ClassifierImpl& model, const torch::Tensor& images,
                             Precision precision) {
  torch::InferenceMode guard;
  torch::Tensor logits;
  {
    AutocastScope autocast(precision, images.device());
    logits = model.forward(images);
  }
  return logits.to(torch::kFloat32);
}

}  // namespace dign::eval
