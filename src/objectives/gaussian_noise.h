#pragma once
// GN, "DiGN without consistency regularization" (Eq. 12): cross-entropy on
// x + delta with the same diverse noise levels sigma ~ U(0, sigma_max).
//
//   auto objective = make_objective(GaussianNoiseOptions().sigma_max(0.2));
#include <memory>

#include "core/arg.h"
#include "core/error.h"
#include "objectives/method_traits.h"

namespace dign::objectives {

struct GaussianNoiseOptions : MethodTraits {
  static constexpr const char* kName = "gn";
  static constexpr const char* kSummary =
      "cross-entropy on diverse Gaussian noise, no consistency term (Eq. 12)";
  /// Upper end of the noise-level range, [0,1] pixel units. Default: 0.2 (as DiGN).
  DIGN_ARG(double, sigma_max) = 0.2;

 public:
  template <typename Visit>
  void fields(Visit&& visit) {
    visit("sigma_max", sigma_max_, "noise levels drawn from U(0, sigma_max), [0,1] pixel units");
  }
  void validate() const {
    DIGN_CHECK_OPTION(sigma_max() >= 0, "sigma_max", "expected a value >= 0, got ", sigma_max());
  }
};

std::unique_ptr<Objective> make_objective(const GaussianNoiseOptions& options);

}  // namespace dign::objectives
