#pragma once
// AugMax (Wang et al. 2021) as the paper's code runs it (the paper's "AugMax" baseline):
//   L = CE(f(x), y) + js_weight * JS(p(x), p(x_augmix), p(x_augmax)),
// x_augmix an AugMix view and x_augmax the image mixed with its own unmixed AugMix chains by
// weights searched against the model (attacks/augmax_search.h: 10 signed steps of 0.1, model in
// eval mode). The chains and the AugMix view are made on the loader's threads, with a severity
// drawn per image from 1..10 (the paper's code; AugMax's own: 3); the weight search runs in
// the objective, before the training forwards. Plain BatchNorm by default, as the paper's code;
// with the original AugMax's DuBIN model (--norm dubin, models/dual_norm.h) the AugMax images are
// searched and trained on under its auxiliary BatchNorms, the other views under the main ones.
//
//   auto objective = make_objective(AugMaxOptions().augmax_steps(5));
#include <cstdint>
#include <memory>
#include <vector>

#include "core/arg.h"
#include "core/error.h"
#include "objectives/augmix.h"
#include "objectives/method_traits.h"

namespace dign::objectives {

/// The name of the view holding AugMax's unmixed chains, stacked (augment::AugMixChains).
inline constexpr const char* kAugMaxChains = "augmax_chains";
inline constexpr int64_t kAugMaxChainCount = 3;

struct AugMaxOptions : MethodTraits {
  static constexpr const char* kName = "augmax";
  static constexpr const char* kSummary =
      "cross-entropy + 12 * Jensen-Shannon over the clean, an AugMix and an adversarially mixed "
      "AugMax view; plain BatchNorm, as the paper's code (--norm dubin: the original AugMax's "
      "DuBIN)";
  DIGN_ARG(AugMixViewSettings, augmix) = AugMixViewSettings();
  /// Signed steps of the mixing weights. Default: 10 (the paper's code; AugMax's README).
  DIGN_ARG(int64_t, augmax_steps) = 10;
  /// Step of m and q. Default: 0.1 (AugMax).
  DIGN_ARG(double, augmax_step_size) = 0.1;
  DIGN_ARG(bool, concat_views) = false;

 public:
  template <typename Visit>
  void fields(Visit&& visit) {
    augmix_.fields(visit);
    visit("augmax_steps", augmax_steps_, "signed steps of AugMax's mixing-weight search");
    visit("augmax_step_size", augmax_step_size_, "step of AugMax's mixing weights m and q");
    visit("concat_views", concat_views_, kConcatViewsHelp);
  }
  void validate() const {
    augmix_.validate();
    DIGN_CHECK_OPTION(augmax_steps() >= 0 && augmax_steps() <= 1000, "augmax_steps",
                      "expected 0 to 1000 steps, got ", augmax_steps());
    DIGN_CHECK_OPTION(augmax_step_size() >= 0 && augmax_step_size() <= 10, "augmax_step_size",
                      "expected a step in [0, 10], got ", augmax_step_size());
  }
  /// One AugMix view and the unmixed chains.
  std::vector<augment::ViewSpec> views() const {
    const auto o = augmix_.transform_options().width(kAugMaxChainCount);
    return {{kAugMixViews[0], std::make_shared<const augment::AugMix>(o)},
            {kAugMaxChains, std::make_shared<const augment::AugMixChains>(o), kAugMaxChainCount}};
  }
  int64_t forward_passes() const { return 3; }
  int64_t attack_passes() const { return augmax_steps(); }
  bool routes_auxiliary_norm() const { return true; }
};

std::unique_ptr<Objective> make_objective(const AugMaxOptions& options);

}  // namespace dign::objectives
