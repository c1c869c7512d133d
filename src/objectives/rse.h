#pragma once
// RSE (Liu et al. 2018), noise at the input layer only (Eq. 4): cross-entropy
// on x + delta with a fixed sigma; at test time the softmax probabilities of
// `ensemble` noisy copies are averaged (the evaluator does that, reading the
// ensemble size the run recorded).
#include "objectives/objective.h"

namespace dign::objectives {

struct RseOptions {
  /// Fixed noise level, [0,1] pixel units. Default: 0.1 (paper, CIFAR; 0.3 Tiny-ImageNet).
  TORCH_ARG(double, sigma) = 0.1;
  /// Noisy copies averaged at test time. Default: 10 (paper).
  TORCH_ARG(int64_t, ensemble) = 10;

 public:
  void validate() const;
};

class Rse : public Objective {
 public:
  explicit Rse(RseOptions options);
  std::string name() const override { return "rse"; }
  ObjectiveOutput compute(models::ClassifierImpl& model, const Batch& batch,
                          torch::Generator& generator) override;

 private:
  RseOptions options_;
};

}  // namespace dign::objectives
