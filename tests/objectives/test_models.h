#pragma once
// A linear softmax classifier on flattened pixels: small enough for exact,
// double-precision checks of the objectives.
#include <torch/torch.h>

#include "core/torch_rng.h"
#include "models/classifier.h"
#include "objectives/objective.h"

namespace dign::testing {

class LinearClassifier : public models::ClassifierImpl {
 public:
  LinearClassifier(int64_t inputs, int64_t classes) {
    linear_ = register_module("linear", torch::nn::Linear(inputs, classes));
  }
  torch::Tensor forward(torch::Tensor images) override { return linear_(images.flatten(1)); }
  torch::nn::Linear& linear() { return linear_; }

 private:
  torch::nn::Linear linear_{nullptr};
};

/// A 12 -> 4 LinearClassifier in double with weights U(-1, 1) from a fixed seed, in train
/// mode: for exact checks of attacks on inputs [N,3,2,2].
class FixedLinearClassifier : public LinearClassifier {
 public:
  FixedLinearClassifier() : LinearClassifier(12, 4) {
    to(torch::kDouble);
    torch::NoGradGuard no_grad;
    auto generator = make_generator(torch::kCPU, 11);
    for (auto& p : parameters()) p.uniform_(-1.0, 1.0, generator);
    train();
  }
};

/// n images [n,3,2,2] in double, U(0.05, 0.95) from a fixed seed, labels 0, 1, 2, 3, 0, ...
inline objectives::Batch small_batch(int64_t n) {
  auto generator = make_generator(torch::kCPU, 21);
  return {at::empty({n, 3, 2, 2}, torch::kDouble).uniform_(0.05, 0.95, generator),
          torch::arange(n, torch::kLong).remainder(4)};
}

}  // namespace dign::testing
