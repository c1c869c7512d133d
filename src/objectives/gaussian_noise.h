#pragma once
// GN, "DiGN without consistency regularization" (Eq. 12): cross-entropy on
// x + delta with the same diverse noise levels sigma ~ U(0, sigma_max).
#include "objectives/objective.h"

namespace dign::objectives {

struct GaussianNoiseOptions {
  /// Upper end of the noise-level range, [0,1] pixel units. Default: 0.2 (as DiGN).
  TORCH_ARG(double, sigma_max) = 0.2;

 public:
  void validate() const;
};

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
