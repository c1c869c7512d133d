#include "eval/attack_condition.h"

#include <fmt/format.h>

#include "attacks/robust_accuracy.h"
#include "core/error.h"
#include "data/sampler.h"
#include "distributed/sharded_eval.h"
#include "metrics/bootstrap.h"

namespace dign::eval {

void AttackOptions::validate() const {
  DIGN_CHECK_OPTION(kind == "pgd" || kind == "pgd7-paper", "attack",
                    "expected pgd or pgd7-paper, got '", kind, "'");
  attacks::norm_named(norm, "attack_norm");
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

attacks::PgdSettings AttackOptions::settings() const {
  validate();
  attacks::PgdSettings s;
  s.epsilon = epsilon;
  s.norm = attacks::norm_named(norm, "attack_norm");
  if (kind == "pgd7-paper") {
    s.steps = 7;
    s.step_size = attacks::default_step_size(epsilon, 7);
    s.start = attacks::Start::zero;
    s.keep_best = false;
    return s;
  }
  s.steps = steps;
  s.step_size = step_size > 0 ? step_size : attacks::default_step_size(epsilon, steps);
  s.start = random_start ? attacks::Start::uniform : attacks::Start::zero;
  s.keep_best = true;
  return s;
}

nlohmann::json AttackOptions::to_json() const {
  const auto s = settings();
  const bool paper = kind == "pgd7-paper";
  return {{"attack", kind},
          {"norm", norm},
          {"epsilon", s.epsilon},
          {"steps", s.steps},
          {"step_size", s.step_size},
          {"random_start", s.start == attacks::Start::uniform},
          {"restarts", paper ? 1 : restarts},
          {"iterate", s.keep_best ? "highest loss" : "last"}};
}

int64_t AttackCondition::images() const {
  int64_t total = 0;
  for (const auto& a : attacks_) {
    const int64_t restarts = a.kind == "pgd7-paper" ? 1 : a.restarts;
    total += static_cast<int64_t>(data::evenly_spaced(test_.size(), a.limit).size()) * restarts;
  }
  return total;
}

void AttackCondition::evaluate(EvalContext& context, nlohmann::json& report) {
  report["adversarial"] = nlohmann::json::array();
  context.model.eval();
  for (const auto& attack : attacks_) {
    const auto s = attack.settings();
    const int64_t restarts = attack.kind == "pgd7-paper" ? 1 : attack.restarts;
    const auto chosen = data::evenly_spaced(test_.size(), attack.limit);
    // Sharded evaluation: each rank attacks its share of the chosen images (their random
    // starts are keyed by image index), and the counts are added up.
    const distributed::EvalShards* shards = context.options.shards.get();
    const bool sharded = shards != nullptr && shards->size > 1;
    auto accuracy = attacks::robust_accuracy(
        context.model, test_, sharded ? distributed::shard_of(chosen, *shards) : chosen, s,
        attacks::RobustAccuracyOptions()
            .restarts(restarts)
            .seed(context.options.seed)
            .batch_size(context.options.batch_size)
            .device(context.device)
            .precision(context.options.precision)
            .on_batch([&](int64_t done) {
              context.progress.status(fmt::format("{} {}/{}", attack.kind, done, chosen.size()));
            }));
    if (sharded) accuracy = distributed::sum_over_ranks(accuracy, *shards);
    auto record = attack.to_json();
    record["images"] = chosen.size();
    record["accuracy"] = accuracy.value();
    record["accuracy_se"] = accuracy.standard_error();
    if (context.options.bootstrap > 0) {
      const auto ci = metrics::percentile_interval(metrics::bootstrap_proportion(
          accuracy.correct(), accuracy.total(), context.options.seed, context.options.bootstrap));
      record["accuracy_ci95"] =
          ci ? nlohmann::json::array({ci->low, ci->high}) : nlohmann::json(nullptr);
    }
    report["adversarial"].push_back(record);
    context.progress.message(
        fmt::format("{} {} eps {:.5f}, {} steps: robust accuracy {:.4f} ± {:.4f} ({} images)",
                    attack.kind, attack.norm, s.epsilon, s.steps, accuracy.value(),
                    accuracy.standard_error(), chosen.size()));
  }
}

}  // namespace dign::eval
