#pragma once
// RSE (Liu et al. 2018), noise at the input layer only (Eq. 4): cross-entropy
// on x + delta with a fixed sigma; at test time the softmax probabilities of
// `ensemble` noisy copies are averaged (the evaluator does that, reading the
// ensemble size the run recorded).
#include "objectives/method_options.h"
#include "objectives/objective.h"

namespace dign::objectives {

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
