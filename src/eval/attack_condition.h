#pragma once
// Robust accuracy under PGD (attacks/pgd.h), a condition of `dign eval`: per attack, the
// fraction of test images the model still classifies correctly after the attack, with its
// binomial standard error. BatchNorm in eval mode, adversarial images kept in [0,1], each
// restart's highest-loss iterate kept; an image counts as robust only if every restart fails.
// Random starts are drawn per image from (seed, restart, image index), so the result does not
// depend on the batch size.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "attacks/pgd.h"
#include "eval/conditions.h"

namespace dign::eval {

struct AttackOptions {
  /// "pgd" (the settings below) or "pgd7-paper" (the paper's code's attack: 7 steps of
  /// 2.5 eps / 7 from delta = 0, the last iterate; eps and norm as below).
  std::string kind = "pgd";
  std::string norm = "linf";
  double epsilon = 8.0 / 255.0;
  int64_t steps = 20;
  /// 0: 2.5 * epsilon / steps (Madry et al.).
  double step_size = 0.0;
  bool random_start = true;
  int64_t restarts = 1;
  /// Attack N test images, evenly spaced over the split (0 = all).
  int64_t limit = 0;
  /// dign::OptionError naming attack, attack_eps, attack_steps, ... for a value out of range.
  void validate() const;
  attacks::PgdSettings settings() const;
  /// The record's settings: attack, norm, epsilon, steps, step_size, random_start, restarts.
  nlohmann::json to_json() const;
};

/// Robust accuracy under each attack; writes report["adversarial"], a list of records.
class AttackCondition : public Condition {
 public:
  AttackCondition(const data::ImageSet& test, std::vector<AttackOptions> attacks)
      : test_(test), attacks_(std::move(attacks)) {}
  std::string name() const override { return "adversarial"; }
  int64_t images() const override;
  void evaluate(EvalContext& context, nlohmann::json& report) override;

 private:
  const data::ImageSet& test_;
  std::vector<AttackOptions> attacks_;
};

}  // namespace dign::eval
