#pragma once
// GN, "DiGN without consistency regularization" (Eq. 12): cross-entropy on
// x + delta with the same diverse noise levels sigma ~ U(0, sigma_max).
#include "objectives/method_options.h"
#include "objectives/objective.h"

namespace dign::objectives {

class GaussianNoise : public Objective {
 public:
  explicit GaussianNoise(GaussianNoiseOptions options);
  std::string name() const override { return "gn"; }
  ObjectiveOutput compute(models::ClassifierImpl& model, const Batch& batch,
                          torch::Generator& generator) override;

 private:
  GaussianNoiseOptions options_;
};

}  // namespace dign::objectives
