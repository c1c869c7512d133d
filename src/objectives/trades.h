#pragma once
// TRADES (Zhang et al.; the paper's Eq. 3): CE(f(x), y) + beta * KL(p(x) || p(x + delta)),
// delta the PGD maximiser of that KL against the clean prediction of the model in eval mode.
// As the paper's code: l_inf 8/255, 7 steps of 2.5 epsilon / 7, beta 3.0 (TRADES' own
// papers use 6.0). Unlike it: the attack starts from 0.001 N(0, I), as TRADES' own code (from
// delta = 0 the KL's gradient is exactly zero and the attack need not move), and adversarial
// images stay in [0,1].
//
//   auto objective = make_objective(TradesOptions().beta(6.0));
#include <cstdint>
#include <memory>

#include "core/arg.h"
#include "core/error.h"
#include "objectives/method_traits.h"
#include "objectives/training_attack.h"

namespace dign::objectives {

struct TradesOptions : MethodTraits {
  static constexpr const char* kName = "trades";
  static constexpr const char* kSummary =
      "cross-entropy + beta * KL to a PGD-maximised perturbation (Eq. 3); the attack starts from "
      "0.001 N(0, I) (the paper's code starts from 0, where the KL's gradient is exactly zero) "
      "and keeps images in [0,1] (the paper's code does not clamp them)";
  /// Weight of the KL term. Default: 3.0 (the paper's code; 6.0 in TRADES' papers).
  DIGN_ARG(double, beta) = 3.0;
  DIGN_ARG(TrainingAttack, attack) = TrainingAttack();

 public:
  template <typename Visit>
  void fields(Visit&& visit) {
    visit("trades_beta", beta_, "weight of the KL term (the paper's code 3.0; TRADES' own 6.0)");
    attack_.fields(visit);
  }
  void validate() const {
    DIGN_CHECK_OPTION(beta() >= 0, "trades_beta", "expected a value >= 0, got ", beta());
    attack_.validate();
  }
  /// The clean and the adversarial training passes (the clean prediction the attack aims
  /// away from, one forward without a backward, is not counted).
  int64_t forward_passes() const { return 2; }
  int64_t attack_passes() const { return attack_.steps(); }
};

std::unique_ptr<Objective> make_objective(const TradesOptions& options);

}  // namespace dign::objectives
