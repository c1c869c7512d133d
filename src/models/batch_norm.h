#pragma once
// The BatchNorm2d the convolutional architectures build with: LibTorch's, plus a seam through
// which data-parallel training replaces its training-mode forward by one whose statistics span
// every rank's batch (distributed/sync_batch_norm.h, --sync-bn). Evaluation mode always runs
// LibTorch's own forward, so a model is the same module with or without the seam in use; the
// parameters, buffers and their names are LibTorch's, and `m.as<torch::nn::BatchNorm2d>()`
// finds it (init, export and state dicts need no change).
//
//   bn_ = register_module("bn", BatchNorm2d(planes));
//   bn_->set_training_forward([](torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x) {...});
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <ostream>
#include <utility>

// Defined in batch_norm.cpp: LibTorch does not export it (see there).
namespace torch::nn {
template <>
void BatchNormImplBase<2, BatchNorm2dImpl>::pretty_print(std::ostream& stream) const;
}  // namespace torch::nn

namespace dign::models {

class BatchNorm2dImpl : public torch::nn::BatchNorm2dImpl {
 public:
  /// Computes the training-mode output of `bn` for `x` and updates its running statistics.
  using TrainingForward =
      std::function<torch::Tensor(torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x)>;

  explicit BatchNorm2dImpl(int64_t num_features) : torch::nn::BatchNorm2dImpl(num_features) {}
  explicit BatchNorm2dImpl(const torch::nn::BatchNorm2dOptions& options)
      : torch::nn::BatchNorm2dImpl(options) {}

  /// x [N, C, H, W] -> [N, C, H, W].
  torch::Tensor forward(const torch::Tensor& x) {
    if (is_training() && training_forward_) return training_forward_(*this, x);
    return torch::nn::BatchNorm2dImpl::forward(x);
  }

  /// Replaces the training-mode forward (an empty function restores LibTorch's).
  void set_training_forward(TrainingForward forward) { training_forward_ = std::move(forward); }
  bool has_training_forward() const { return static_cast<bool>(training_forward_); }

 private:
  TrainingForward training_forward_;
};

TORCH_MODULE(BatchNorm2d);

}  // namespace dign::models
