#pragma once
// RSE (Liu et al. 2018), noise at the input layer only (Eq. 4): cross-entropy
// on x + delta with a fixed sigma; at test time the softmax probabilities of
// `ensemble` noisy copies are averaged (the evaluator does that, reading the
// ensemble the run recorded).
//
//   auto objective = make_objective(RseOptions().sigma(0.1).ensemble(10));
#include <cstdint>
#include <memory>

#include "core/arg.h"
#include "core/error.h"
#include "objectives/method_traits.h"

namespace dign::objectives {

struct RseOptions : MethodTraits {
  static constexpr const char* kName = "rse";
  static constexpr const char* kSummary =
      "cross-entropy on fixed-sigma Gaussian noise + test-time ensemble (Eq. 4)";
  /// Fixed noise level, [0,1] pixel units. Default: 0.1 (paper, CIFAR; 0.3 Tiny-ImageNet).
  DIGN_ARG(double, sigma) = 0.1;
  /// Noisy copies averaged at test time. Default: 10 (paper).
  DIGN_ARG(int64_t, ensemble) = 10;

 public:
  template <typename Visit>
  void fields(Visit&& visit) {
    visit("sigma", sigma_, "fixed training noise level, [0,1] pixel units");
    visit("ensemble", ensemble_, "test-time ensemble size recorded with the model");
  }
  void validate() const {
    DIGN_CHECK_OPTION(sigma() >= 0, "sigma", "expected a value >= 0, got ", sigma());
    DIGN_CHECK_OPTION(ensemble() >= 1 && ensemble() <= 100000, "ensemble",
                      "expected 1 to 100000 copies, got ", ensemble());
  }
  TestTimeEnsemble test_time_ensemble() const { return {ensemble(), sigma()}; }
};

std::unique_ptr<Objective> make_objective(const RseOptions& options);

}  // namespace dign::objectives
