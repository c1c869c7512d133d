#pragma once
// DiGN: Diverse Gaussian Noise consistency regularization (Eq. 6, Algorithm 1)
//   L = CE(f(x), y) + lambda * (1/n) sum_k KL(p(x) || p(x + delta_k)),
//   sigma_k ~ U(0, sigma_max) per example, delta_k ~ N(0, sigma_k^2 I).
// Gradients flow through the clean and the noisy branches alike.
//
//   Dign objective(DignOptions().lambda(0.2).sigma_max(0.2).samples(3));
#include "objectives/method_options.h"
#include "objectives/objective.h"

namespace dign::objectives {

class Dign : public Objective {
 public:
  explicit Dign(DignOptions options);
  std::string name() const override { return "dign"; }
  ObjectiveOutput compute(models::ClassifierImpl& model, const Batch& batch,
                          torch::Generator& generator) override;
  const DignOptions& options() const { return options_; }

 private:
  DignOptions options_;
};

}  // namespace dign::objectives
