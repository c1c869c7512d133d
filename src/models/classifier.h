#pragma once
// The model contract every architecture keeps:
//   input  float32 [N, 3, H, W] with pixel values in [0, 1]
//   output float   [N, num_classes] logits
// Per-channel normalization is part of the model (buffers saved with it), so
// noise, corruptions and attacks all act in [0, 1] pixel units.
#include <torch/torch.h>

#include <array>
#include <memory>
#include <string>

namespace dign::models {

/// One value per RGB channel.
using ChannelValues = std::array<double, 3>;

struct ModelOptions {
  /// Number of output classes. Default: 10 (CIFAR-10).
  TORCH_ARG(int64_t, num_classes) = 10;
  /// Width of the first stage; later stages double it. Default: 64 (the paper's ResNet-18).
  TORCH_ARG(int64_t, width) = 64;
  /// Per-channel mean and standard deviation of the training set, in [0, 1] units.
  TORCH_ARG(ChannelValues, mean) = {0.5, 0.5, 0.5};
  TORCH_ARG(ChannelValues, std) = {0.25, 0.25, 0.25};
};

class ClassifierImpl : public torch::nn::Module {
 public:
  /// images: float [N,3,H,W] in [0,1] -> logits [N, num_classes].
  virtual torch::Tensor forward(torch::Tensor images) = 0;
  /// Floating-point operations of one image's forward pass at height x width, counting
  /// a multiply-add as 2 and only convolutions and linear layers (the rest is a few
  /// percent); 0 when the architecture does not say. Benchmarks report FLOP rates from it.
  virtual double forward_flops(int64_t /*height*/, int64_t /*width*/) const { return 0.0; }
};

using Classifier = std::shared_ptr<ClassifierImpl>;

/// (x - mean) / std with the statistics held as buffers, so they travel with checkpoints.
class NormalizeImpl : public torch::nn::Module {
 public:
  NormalizeImpl(const std::array<double, 3>& mean, const std::array<double, 3>& std);
  torch::Tensor forward(const torch::Tensor& images);

 private:
  torch::Tensor mean_, inv_std_;
};
TORCH_MODULE(Normalize);

}  // namespace dign::models
