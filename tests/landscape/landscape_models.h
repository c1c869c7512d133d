#pragma once
// Small networks with known input Hessians for the landscape tests: a two-layer perceptron
// whose logits are piecewise linear in x with ReLU (so H = G almost everywhere, Proposition 1)
// and smooth with softplus (so H = G + sum_k (p_k - y_k) d^2 f_k / dx^2 != G), optionally with
// BatchNorm (which couples a batch in train mode).
#include <torch/torch.h>

#include "core/torch_rng.h"
#include "data/image_set.h"
#include "models/classifier.h"

namespace dign::testing {

class SmallMlp : public models::ClassifierImpl {
 public:
  SmallMlp(bool softplus, bool batch_norm, int64_t inputs = 12, int64_t hidden = 16,
           int64_t classes = 4)
      : softplus_(softplus) {
    first_ = register_module("first", torch::nn::Linear(inputs, hidden));
    if (batch_norm) norm_ = register_module("norm", torch::nn::BatchNorm1d(hidden));
    second_ = register_module("second", torch::nn::Linear(hidden, classes));
    torch::NoGradGuard no_grad;
    auto generator = make_generator(torch::kCPU, 5);
    // Every weight and bias from one fixed seed, whatever the global generator did before.
    for (auto& item : named_parameters()) {
      if (item.key().rfind("norm.", 0) == 0) continue;  // BatchNorm: scale 1, shift 0
      if (item.value().dim() == 2) item.value().normal_(0.0, 1.0, generator);
      if (item.value().dim() == 1) item.value().uniform_(-0.5, 0.5, generator);
    }
  }
  torch::Tensor forward(torch::Tensor images) override {
    auto h = first_(images.flatten(1));
    if (!norm_.is_empty()) h = norm_(h);
    h = softplus_ ? torch::softplus(h) : torch::relu(h);
    return second_(h);
  }

 private:
  bool softplus_;
  torch::nn::Linear first_{nullptr}, second_{nullptr};
  torch::nn::BatchNorm1d norm_{nullptr};
};

/// n images 2x2x3 (uint8, labels i % 4) drawn from a fixed seed: the stored form
/// measure_landscape reads.
inline data::ImageSet tiny_images(int64_t n) {
  data::ImageSet set;
  set.height = set.width = 2;
  set.class_names = {"a", "b", "c", "d"};
  auto generator = make_generator(torch::kCPU, 3);
  const auto bytes = torch::randint(20, 236, {n * 12}, generator, torch::kUInt8);
  set.pixels.assign(bytes.data_ptr<uint8_t>(), bytes.data_ptr<uint8_t>() + n * 12);
  for (int64_t i = 0; i < n; ++i) set.labels.push_back(i % 4);
  return set;
}

}  // namespace dign::testing
