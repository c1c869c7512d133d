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
#include "eval/attack_options.h"
#include "eval/conditions.h"

namespace dign::eval {

/// The PGD `attack` runs: pgd7-paper's fixed steps, start and iterate, or the options' with a
/// step size of 0 resolved to 2.5 eps / steps. Validates `attack` first.
attacks::PgdSettings pgd_settings(const AttackOptions& attack);
/// The record's settings: attack, norm, epsilon, steps, step_size, random_start, restarts,
/// iterate (the values run, so pgd7-paper's steps are 7).
nlohmann::json to_json(const AttackOptions& attack);

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
