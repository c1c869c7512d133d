#pragma once
// AugMix (Hendrycks et al. 2020; the paper's Eq. 5):
//   L = CE(f(x), y) + js_weight * JS(p(x), p(x_aug1), p(x_aug2)),
// the cross-entropy on the clean view only, x_aug1 and x_aug2 two independent AugMix views
// (augment/augmix.h) made on the loader's threads. As the paper's code: severity drawn per
// image from U{1..10} and one forward per view; AugMix's own code: --augmix-severity 3
// --concat-views. The Jensen-Shannon term is AugMix's (mixture clamped at 1e-7, fp32).
//
//   AugMixOptions options;
//   options.augmix().severity(3);
//   auto objective = make_objective(options.concat_views(true));
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "augment/augmix.h"
#include "core/arg.h"
#include "core/error.h"
#include "objectives/method_traits.h"

namespace dign::objectives {

/// The names of the two AugMix views in a batch.
inline constexpr const char* kAugMixViews[2] = {"augmix_1", "augmix_2"};

/// The AugMix settings augmix and dign-augmix share: their fields, checks and views.
struct AugMixViewSettings {
  /// Weight of the Jensen-Shannon term. Default: 12 (AugMix and the paper).
  DIGN_ARG(double, js_weight) = 12.0;
  /// 1..10, or 0 for a severity drawn per image from U{1..10}. Default: 0 (the paper's code;
  /// AugMix's own is 3).
  DIGN_ARG(int64_t, severity) = 0;
  /// Add AugMix's four operations that overlap CIFAR-10-C. Default: false.
  DIGN_ARG(bool, all_ops) = false;

 public:
  template <typename Visit>
  void fields(Visit&& visit) {
    visit("js_weight", js_weight_,
          "weight of the Jensen-Shannon term over the clean and two "
          "AugMix views");
    visit("augmix_severity", severity_,
          "AugMix operation strength 1..10, or 0: drawn per image from 1..10 (the paper's code; "
          "AugMix's own is 3)");
    visit("augmix_all_ops", all_ops_,
          "add colour, contrast, brightness and sharpness to AugMix's 9 operations (they "
          "overlap CIFAR-10-C)");
  }
  void validate() const {
    DIGN_CHECK_OPTION(js_weight() >= 0, "js_weight", "expected a value >= 0, got ", js_weight());
    DIGN_CHECK_OPTION(severity() >= 0 && severity() <= 10, "augmix_severity",
                      "expected 1..10, or 0 for a severity drawn per image, got ", severity());
  }
  /// The settings of the AugMix transforms.
  augment::AugMixOptions transform_options() const {
    return augment::AugMixOptions().severity(severity()).all_ops(all_ops());
  }
  /// "augmix_1" and "augmix_2", each an AugMix of the transformed image.
  std::vector<augment::ViewSpec> views() const {
    auto augmix = std::make_shared<const augment::AugMix>(transform_options());
    return {{kAugMixViews[0], augmix}, {kAugMixViews[1], augmix}};
  }
};

struct AugMixOptions : MethodTraits {
  static constexpr const char* kName = "augmix";
  static constexpr const char* kSummary =
      "cross-entropy + 12 * Jensen-Shannon over the clean and two AugMix views (Eq. 5)";
  DIGN_ARG(AugMixViewSettings, augmix) = AugMixViewSettings();
  DIGN_ARG(bool, concat_views) = false;

 public:
  template <typename Visit>
  void fields(Visit&& visit) {
    augmix_.fields(visit);
    visit("concat_views", concat_views_, kConcatViewsHelp);
  }
  void validate() const { augmix_.validate(); }
  std::vector<augment::ViewSpec> views() const { return augmix_.views(); }
  int64_t forward_passes() const { return 3; }
};

std::unique_ptr<Objective> make_objective(const AugMixOptions& options);

}  // namespace dign::objectives
