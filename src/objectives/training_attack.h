#pragma once
// The inner attack of adversarial training and TRADES as their options hold it: PGD with
// the paper's code's settings (l_inf, epsilon 8/255, 7 steps of 2.5 epsilon / 7), adversarial
// images kept in [0,1] (the paper's code does not clamp). The fields are the flags
// --attack-eps, --attack-steps, --attack-step-size, --attack-norm of both methods.
// LibTorch-free; to_pgd_settings (training_attack.cpp) makes the attack's settings.
#include <cstdint>
#include <string>

#include "core/arg.h"
#include "core/error.h"

namespace dign::attacks {
struct PgdSettings;
enum class Start;
}  // namespace dign::attacks

namespace dign::objectives {

struct TrainingAttack {
  /// Radius of the ball, [0,1] pixel units. Default: 8/255 (paper).
  DIGN_ARG(double, eps) = 8.0 / 255.0;
  /// PGD steps. Default: 7 (paper's code).
  DIGN_ARG(int64_t, steps) = 7;
  /// Step size; 0 means 2.5 * eps / steps (paper's code, after Madry et al.).
  DIGN_ARG(double, step_size) = 0.0;
  /// "linf" (paper) or "l2".
  DIGN_ARG(std::string, norm) = "linf";

 public:
  template <typename Visit>
  void fields(Visit&& visit) {
    visit("attack_eps", eps_, "radius of the training attack's ball, [0,1] pixel units");
    visit("attack_steps", steps_, "PGD steps of the training attack");
    visit("attack_step_size", step_size_, "PGD step size (0: 2.5 * attack_eps / attack_steps)");
    visit("attack_norm", norm_, "the training attack's ball: linf or l2");
  }
  void validate() const {
    DIGN_CHECK_OPTION(eps() >= 0 && eps() <= 1, "attack_eps", "expected a value in [0, 1], got ",
                      eps());
    DIGN_CHECK_OPTION(steps() >= 1 && steps() <= 10000, "attack_steps",
                      "expected 1 to 10000 steps, got ", steps());
    DIGN_CHECK_OPTION(step_size() >= 0 && step_size() <= 1, "attack_step_size",
                      "expected a value in [0, 1] (0: 2.5 * attack_eps / attack_steps), got ",
                      step_size());
    DIGN_CHECK_OPTION(norm() == "linf" || norm() == "l2", "attack_norm",
                      "expected linf or l2, got '", norm(), "'");
  }
  double resolved_step_size() const {
    return step_size() > 0 ? step_size() : 2.5 * eps() / static_cast<double>(steps());
  }
};

/// The attack's PGD settings, starting from `start` and returning the last iterate.
attacks::PgdSettings to_pgd_settings(const TrainingAttack& attack, attacks::Start start);

}  // namespace dign::objectives
