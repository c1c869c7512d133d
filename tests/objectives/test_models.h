#pragma once
// A linear softmax classifier on flattened pixels: small enough for exact,
// double-precision checks of the objectives.
#include <torch/torch.h>

#include "models/classifier.h"

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

}  // namespace dign::testing
