#pragma once
// DiGN: Diverse Gaussian Noise consistency regularization (Eq. 6, Algorithm 1)
//   L = CE(f(x), y) + lambda * (1/n) sum_k KL(p(x) || p(x + delta_k)),
//   sigma_k ~ U(0, sigma_max) per example, delta_k ~ N(0, sigma_k^2 I).
// Gradients flow through the clean and the noisy branches alike.
//
//   Dign objective(DignOptions().lambda(0.2).sigma_max(0.2).samples(3));
#include "objectives/objective.h"

namespace dign::objectives {

struct DignOptions {
  /// Weight of the consistency term. Default: 0.2 (paper, CIFAR-10; 0.3 for CIFAR-100).
  TORCH_ARG(double, lambda) = 0.2;
  /// Upper end of the uniform noise-level range, [0,1] pixel units.
  /// Default: 0.2 (paper, CIFAR; 0.6 for Tiny-ImageNet).
  TORCH_ARG(double, sigma_max) = 0.2;
  /// Noisy views n per example. Default: 3 (paper).
  TORCH_ARG(int64_t, samples) = 3;

 public:
  /// Throws dign::Error naming the option for values out of range.
  void validate() const;
};

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
