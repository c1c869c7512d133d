#pragma once
// DiGN + AugMix, the paper's best method on all corruptions (Tables 3 and 4, footnote 1):
//   L = CE(f(x), y) + lambda * (1/n) sum_k KL(p(x) || p(x + delta_k))
//                   + js_weight * JS(p(x), p(x_aug1), p(x_aug2)),
// one clean forward shared by the three terms; the noise as DiGN's (Eq. 6), the AugMix views
// as the augmix method's. As the paper's code: lambda 0.2, sigma_max 0.2 (CIFAR), n 3,
// js_weight 12, one forward per view in the order clean, noisy, AugMix.
//
//   auto objective = make_objective(DignAugMixOptions().lambda(0.2));
#include <cstdint>
#include <memory>
#include <vector>

#include "core/arg.h"
#include "core/error.h"
#include "objectives/augmix.h"
#include "objectives/method_traits.h"

namespace dign::objectives {

struct DignAugMixOptions : MethodTraits {
  static constexpr const char* kName = "dign-augmix";
  static constexpr const char* kSummary =
      "DiGN's loss (Eq. 6) + 12 * AugMix's Jensen-Shannon term (Tables 3, 4)";
  /// Weight of the KL consistency term. Default: 0.2 (the paper's code).
  DIGN_ARG(double, lambda) = 0.2;
  /// Noise levels from U(0, sigma_max), [0,1] pixel units. Default: 0.2 (the paper's code's
  /// CIFAR value; 0.6 for Tiny-ImageNet).
  DIGN_ARG(double, sigma_max) = 0.2;
  /// Noisy views n per example. Default: 3.
  DIGN_ARG(int64_t, samples) = 3;
  DIGN_ARG(AugMixViewSettings, augmix) = AugMixViewSettings();
  DIGN_ARG(bool, concat_views) = false;

 public:
  template <typename Visit>
  void fields(Visit&& visit) {
    visit("lambda", lambda_, "weight of the KL consistency term");
    visit("sigma_max", sigma_max_, "noise levels drawn from U(0, sigma_max), [0,1] pixel units");
    visit("samples", samples_, "noisy views per example (n)");
    augmix_.fields(visit);
    visit("concat_views", concat_views_, kConcatViewsHelp);
  }
  void validate() const {
    DIGN_CHECK_OPTION(lambda() >= 0, "lambda", "expected a value >= 0, got ", lambda());
    DIGN_CHECK_OPTION(sigma_max() >= 0, "sigma_max", "expected a value >= 0, got ", sigma_max());
    DIGN_CHECK_OPTION(samples() >= 1, "samples", "expected at least 1 noisy sample, got ",
                      samples());
    augmix_.validate();
  }
  std::vector<augment::ViewSpec> views() const { return augmix_.views(); }
  int64_t forward_passes() const { return 3 + samples(); }
};

std::unique_ptr<Objective> make_objective(const DignAugMixOptions& options);

}  // namespace dign::objectives
