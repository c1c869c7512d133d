#pragma once
// The settings of one attack of `dign eval` (--attack, --attack-eps, ...) and of an experiment
// grid's "evaluation": {"attacks": [...]}, with one set of rules for both. LibTorch-free: the
// grid (dign_base) parses and validates them; eval/attack_condition.h turns them into PGD.
//
//   AttackOptions a;
//   a.epsilon = 4.0 / 255.0;
//   a.validate();  // OptionError naming the field ("attack_eps", ...) and the range expected
#include <cstdint>
#include <string>

namespace dign::eval {

struct AttackOptions {
  /// "pgd" (the settings below) or "pgd7-paper" (the paper's code's attack: 7 steps of
  /// 2.5 eps / 7 from delta = 0, the last iterate; eps and norm as below). Default: "pgd".
  std::string kind = "pgd";
  /// "linf" or "l2". Default: "linf".
  std::string norm = "linf";
  /// Radius of the ball in [0,1] pixel units. Default: 8/255.
  double epsilon = 8.0 / 255.0;
  /// PGD steps. Default: 20.
  int64_t steps = 20;
  /// 0: 2.5 * epsilon / steps (Madry et al.). Default: 0.
  double step_size = 0.0;
  /// Start from a uniform draw in the ball rather than from delta = 0. Default: true.
  bool random_start = true;
  /// An image counts as robust only if every restart fails. Default: 1.
  int64_t restarts = 1;
  /// Attack N test images, evenly spaced over the split (0 = all). Default: 0.
  int64_t limit = 0;
  /// dign::OptionError naming attack, attack_norm, attack_eps, attack_steps, attack_step_size,
  /// attack_restarts or attack_limit (the flags --attack, --attack-norm, ...) for a value out
  /// of range.
  void validate() const;
};

}  // namespace dign::eval
