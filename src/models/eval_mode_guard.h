#pragma once
// Puts a module in eval mode for the guard's lifetime and then back in the mode it had:
// attacks run with BatchNorm's running statistics inside a training step that trains in
// train mode.
#include <torch/torch.h>

namespace dign::models {

class EvalModeGuard {
 public:
  explicit EvalModeGuard(torch::nn::Module& module)
      : module_(module), was_training_(module.is_training()) {
    module_.eval();
  }
  ~EvalModeGuard() { module_.train(was_training_); }
  EvalModeGuard(const EvalModeGuard&) = delete;
  EvalModeGuard& operator=(const EvalModeGuard&) = delete;

 private:
  torch::nn::Module& module_;
  bool was_training_;
};

}  // namespace dign::models
