#pragma once
// The model contract every architecture keeps:
//   input  float32 [N, 3, H, W] with pixel values in [0, 1]
//   output float   [N, num_classes] logits
// Per-channel normalization is part of the model (buffers saved with it), so
// noise, corruptions and attacks all act in [0, 1] pixel units.
//
// A model of one's own trains and evaluates with dign once it derives from ClassifierImpl:
//   class TinyImpl : public ClassifierImpl {
//    public:
//     TinyImpl() { fc_ = register_module("fc", torch::nn::Linear(3 * 32 * 32, 10)); }
//     torch::Tensor forward(torch::Tensor images) override { return fc_(images.flatten(1)); }
//     torch::nn::Linear fc_{nullptr};
//   };
//   auto model = std::make_shared<TinyImpl>();   // for TrainingLoop, evaluate_condition, ...
#include <torch/torch.h>

#include <array>
#include <memory>
#include <string>

#include "models/init.h"
#include "models/model_data.h"

namespace dign::models {

class ClassifierImpl : public torch::nn::Module {
 public:
  /// images: float [N,3,H,W] in [0,1] -> logits [N, num_classes].
  virtual torch::Tensor forward(torch::Tensor images) = 0;
  /// Floating-point operations of one image's forward pass at height x width, counting
  /// a multiply-add as 2 and only convolutions and linear layers (the rest is a few
  /// percent); 0 when the architecture does not say. Benchmarks report FLOP rates from it.
  virtual double forward_flops(int64_t /*height*/, int64_t /*width*/) const { return 0.0; }
  /// (Re)initialises every parameter and BatchNorm statistic from `generator` alone (never
  /// the global generator). The default draws what LibTorch's constructors draw (init.h),
  /// so a CPU generator seeded with s reproduces torch::manual_seed(s) + construction
  /// bitwise. Call it on the CPU, before moving the model, so every device starts alike.
  virtual void reset_parameters(torch::Generator& generator) {
    reset_default_parameters(*this, generator);
  }
};

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
