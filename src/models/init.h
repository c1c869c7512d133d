#pragma once
// LibTorch 1.13's default initialisation, drawn from an explicit generator instead of the
// global one (no torch::manual_seed in the library). Draws are in module registration order
// and element for element what construction draws, so from a CPU generator seeded with s
// the tensors are bitwise those of torch::manual_seed(s) followed by construction.
//
//   auto net = make_model(ResNet18Options().width(16));
//   auto gen = make_generator(torch::kCPU, derive_seed(seed, {purpose_tag("init")}));
//   net->reset_parameters(gen);  // on the CPU, before moving the model to its device
#include <torch/torch.h>

#include <cstdint>

namespace dign::models {

/// Weight bound of kaiming_uniform_(a = sqrt(5), fan_in, leaky_relu), computed as LibTorch
/// does in double: sqrt(3) * sqrt(2 / (1 + a^2)) / sqrt(fan_in), about 1 / sqrt(fan_in).
double default_weight_bound(int64_t fan_in);
/// Bias bound of Conv and Linear: 1 / sqrt(fan_in).
double default_bias_bound(int64_t fan_in);

/// Re-initialises every module under `module` (itself included) in registration order:
/// Conv2d and Linear weights U(-default_weight_bound, +), biases U(-default_bias_bound, +);
/// BatchNorm1d/2d and InstanceNorm2d weight 1, bias 0, running statistics reset. Modules
/// without parameters of their own (buffers such as Normalize's statistics) are left alone.
/// Parameters must be on the generator's device. dign::Error for any other module holding
/// parameters: its architecture must override ClassifierImpl::reset_parameters.
void reset_default_parameters(torch::nn::Module& module, torch::Generator& generator);

}  // namespace dign::models
