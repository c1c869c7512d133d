#pragma once
// DiGN: Diverse Gaussian Noise consistency regularization (Eq. 6, Algorithm 1)
//   L = CE(f(x), y) + lambda * (1/n) sum_k KL(p(x) || p(x + delta_k)),
//   sigma_k ~ U(0, sigma_max) per example, delta_k ~ N(0, sigma_k^2 I).
// Gradients flow through the clean and the noisy branches alike.
//
//   auto objective = make_objective(DignOptions().lambda(0.2).sigma_max(0.2).samples(3));
#include <cstdint>
#include <memory>
#include <string>

#include "core/arg.h"
#include "core/error.h"
#include "objectives/method_traits.h"

namespace dign::objectives {

struct DignOptions : MethodTraits {
  static constexpr const char* kName = "dign";
  static constexpr const char* kSummary =
      "cross-entropy + lambda * KL consistency to diverse Gaussian noise (Eq. 6)";
  /// Weight of the consistency term. Default: 0.2 (paper, CIFAR-10; 0.3 for CIFAR-100).
  DIGN_ARG(double, lambda) = 0.2;
  /// Upper end of the uniform noise-level range, [0,1] pixel units.
  /// Default: 0.2 (paper, CIFAR; 0.6 for Tiny-ImageNet).
  DIGN_ARG(double, sigma_max) = 0.2;
  /// Noisy views n per example. Default: 3 (paper).
  DIGN_ARG(int64_t, samples) = 3;
  /// Run the clean and the n noisy views as one batch of (n+1)N images instead of n+1
  /// forward passes. Fewer, larger operations; but BatchNorm then normalizes with the
  /// statistics of all views together, a different computation from the paper's code
  /// (one forward per view). Default: false (the paper's).
  DIGN_ARG(bool, concat_views) = false;
  /// "kl" (Eq. 6) or "js": Jensen-Shannon over the clean view and exactly 2 noisy views, as
  /// the paper's code does for its A.7 comparison (whatever `samples` is).
  DIGN_ARG(std::string, consistency) = "kl";
  /// Each noise element kept with this probability, else zeroed (A.8; the paper uses 0.2 for
  /// ImageNette). Default: 1 (no masking).
  DIGN_ARG(double, mask_prob) = 1.0;

 public:
  template <typename Visit>
  void fields(Visit&& visit) {
    visit("lambda", lambda_, "weight of the KL consistency term");
    visit("sigma_max", sigma_max_, "noise levels drawn from U(0, sigma_max), [0,1] pixel units");
    visit("samples", samples_, "noisy views per example (n)");
    visit("concat_views", concat_views_, kConcatViewsHelp);
    visit("consistency", consistency_,
          "kl (Eq. 6) or js (Jensen-Shannon over the clean and 2 noisy views, A.7)");
    visit("mask_prob", mask_prob_,
          "keep each noise element with this probability (A.8; 1 = no masking)");
  }
  /// dign::OptionError naming the field for values out of range.
  void validate() const {
    DIGN_CHECK_OPTION(lambda() >= 0, "lambda", "expected a value >= 0, got ", lambda());
    DIGN_CHECK_OPTION(sigma_max() >= 0, "sigma_max", "expected a value >= 0, got ", sigma_max());
    DIGN_CHECK_OPTION(samples() >= 1, "samples", "expected at least 1 noisy sample, got ",
                      samples());
    DIGN_CHECK_OPTION(consistency() == "kl" || consistency() == "js", "consistency",
                      "expected kl or js, got '", consistency(), "'");
    DIGN_CHECK_OPTION(mask_prob() >= 0 && mask_prob() <= 1, "mask_prob",
                      "expected a probability in [0, 1], got ", mask_prob());
  }
  /// Noisy views per step: `samples`, or 2 for the Jensen-Shannon consistency.
  int64_t noisy_views() const { return consistency() == "js" ? 2 : samples(); }
  int64_t forward_passes() const { return 1 + noisy_views(); }
};

std::unique_ptr<Objective> make_objective(const DignOptions& options);

}  // namespace dign::objectives
