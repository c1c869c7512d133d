#include "eval/attack_options.h"

#include "core/error.h"

namespace dign::eval {

void AttackOptions::validate() const {
  DIGN_CHECK_OPTION(kind == "pgd" || kind == "pgd7-paper", "attack",
                    "expected pgd or pgd7-paper, got '", kind, "'");
  // The names attacks::norm_named maps (with the same message), checked here without LibTorch.
  DIGN_CHECK_OPTION(norm == "linf" || norm == "l2", "attack_norm", "expected linf or l2, got '",
                    norm, "'");
  DIGN_CHECK_OPTION(epsilon >= 0 && epsilon <= 1, "attack_eps", "expected a value in [0, 1], got ",
                    epsilon);
  DIGN_CHECK_OPTION(steps >= 1 && steps <= 100000, "attack_steps",
                    "expected 1 to 100000 steps, got ", steps);
  DIGN_CHECK_OPTION(step_size >= 0 && step_size <= 1, "attack_step_size",
                    "expected a value in [0, 1] (0: 2.5 * eps / steps), got ", step_size);
  DIGN_CHECK_OPTION(restarts >= 1 && restarts <= 1000, "attack_restarts",
                    "expected 1 to 1000 restarts, got ", restarts);
  DIGN_CHECK_OPTION(limit >= 0, "attack_limit", "expected a count >= 0, got ", limit);
}

}  // namespace dign::eval
