#pragma once
// Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", 2017): one
// temperature T > 0 divides every logit, p = softmax(z / T); accuracy is unchanged (the argmax
// does not move) and T is fitted by minimising the mean negative log-likelihood on held-out
// images. `dign calibrate` fits it (temperature_calibration.h), `dign eval` applies it.
//
//   torch::Tensor z = predict_logits(model, images, Precision::kBf16);  // fp32 [N, C]
//   TemperatureFit fit = fit_temperature(z, labels);                  // labels int64 [N]
//   torch::Tensor p = torch::softmax(z / fit.temperature, 1);
#include <torch/torch.h>

#include "core/machine.h"
#include "models/classifier.h"

namespace dign::eval {

struct TemperatureFitOptions {
  /// The search interval of T: a calibration set the model separates perfectly drives T to 0
  /// (and one it gets all wrong to infinity); the fit stops at the bound and says so.
  /// Default: [0.01, 100].
  double min_temperature = 0.01;
  double max_temperature = 100.0;
  /// Relative change of 1/T at which the search stops. Default: 1e-10 (well inside 1e-6).
  double tolerance = 1e-10;
  int max_iterations = 200;
};

struct TemperatureFit {
  double temperature = 1.0;
  double nll_before = 0.0;  ///< mean NLL at T = 1 (nats)
  double nll_after = 0.0;   ///< mean NLL at the fitted T
  int iterations = 0;
  /// The minimum lies at (or beyond) an end of the search interval.
  bool at_bound = false;
};

/// Mean negative log-likelihood of softmax(logits / temperature), in double precision.
/// logits float [N, C] (any device), labels int64 [N]; temperature > 0.
double temperature_nll(const torch::Tensor& logits, const torch::Tensor& labels,
                       double temperature);

/// The T minimising temperature_nll. With b = 1/T the NLL f(b) = mean_i [logsumexp(b z_i) -
/// b z_i,y] is convex: f'(b) = mean_i [E_p z_i - z_i,y], f''(b) = mean_i Var_p(z_i) >= 0, so
/// f' is increasing and its root is found by Newton steps kept inside a shrinking bracket
/// (bisection when a step would leave it). dign::Error for empty or mismatched input.
TemperatureFit fit_temperature(const torch::Tensor& logits, const torch::Tensor& labels,
                               const TemperatureFitOptions& options = {});

/// model(images) in fp32, computed as evaluation computes probabilities (inference mode,
/// `precision` autocast, cast to fp32): images float [N,3,H,W] on the model's device; returns
/// float [N, C] on that device. The model must be in eval mode.
torch::Tensor predict_logits(models::ClassifierImpl& model, const torch::Tensor& images,
                             Precision precision);

}  // namespace dign::eval
