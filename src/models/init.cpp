#include "models/init.h"

#include <cmath>

#include "core/error.h"

namespace dign::models {
namespace nn = torch::nn;

namespace {

// Fan-in as LibTorch's init counts it: input channels times the receptive field.
int64_t fan_in(const torch::Tensor& weight) {
  return weight.size(1) * (weight.dim() > 2 ? weight[0][0].numel() : 1);
}

// ConvNdImpl::reset_parameters and LinearImpl::reset_parameters: weight, then bias.
void reset_affine(torch::Tensor& weight, torch::Tensor& bias, torch::Generator& generator,
                  const std::string& name) {
  DIGN_CHECK(weight.device() == generator.device(), "reset_parameters: ", name, " is on ",
             weight.device(), ", the generator on ", generator.device(),
             " (initialise on the CPU, then move the model)");
  const double bound = default_weight_bound(fan_in(weight));
  weight.uniform_(-bound, bound, generator);
  if (bias.defined()) {
    const double bias_bound = default_bias_bound(fan_in(weight));
    bias.uniform_(-bias_bound, bias_bound, generator);
  }
}

}  // namespace

double default_weight_bound(int64_t fan_in) {
  // The order of LibTorch's operations (calculate_gain, calculate_kaiming_std,
  // kaiming_uniform_), kept so the bound rounds to the same double.
  const double a = std::sqrt(5.0);
  const double gain = std::sqrt(2.0 / (1 + std::pow(a, 2)));
  const double standard_deviation = gain / std::sqrt(static_cast<double>(fan_in));
  return std::sqrt(3.0) * standard_deviation;
}

double default_bias_bound(int64_t fan_in) {
  return 1 / std::sqrt(static_cast<double>(fan_in));
}

void reset_default_parameters(nn::Module& module, torch::Generator& generator) {
  torch::NoGradGuard no_grad;
  for (const auto& item : module.named_modules()) {
    nn::Module& m = *item.value();
    const std::string name = item.key().empty() ? m.name() : item.key();
    if (auto* conv = m.as<nn::Conv2d>()) {
      reset_affine(conv->weight, conv->bias, generator, name);
    } else if (auto* linear = m.as<nn::Linear>()) {
      reset_affine(linear->weight, linear->bias, generator, name);
    } else if (auto* bn = m.as<nn::BatchNorm2d>()) {
      bn->reset_parameters();  // no draws: weight 1, bias 0, running stats reset
    } else if (auto* bn1 = m.as<nn::BatchNorm1d>()) {
      bn1->reset_parameters();
    } else if (auto* instance = m.as<nn::InstanceNorm2d>()) {
      instance->reset_parameters();  // no draws: weight 1, bias 0 (DuBIN's, dual_norm.h)
    } else {
      DIGN_CHECK(m.parameters(/*recurse=*/false).empty(), "reset_parameters: module ", name, " (",
                 m.name(), ") has parameters the default initialisation does not know; ",
                 "its architecture must override ClassifierImpl::reset_parameters");
    }
  }
}

}  // namespace dign::models
