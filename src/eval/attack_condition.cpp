#include "eval/attack_condition.h"

#include <fmt/format.h>

#include "attacks/robust_accuracy.h"
#include "core/error.h"
#include "data/sampler.h"
#include "distributed/sharded_eval.h"
#include "metrics/bootstrap.h"

namespace dign::eval {

attacks::PgdSettings pgd_settings(const AttackOptions& attack) {
  attack.validate();
  attacks::PgdSettings s;
  s.epsilon = attack.epsilon;
  s.norm = attacks::norm_named(attack.norm, "attack_norm");
  if (attack.kind == "pgd7-paper") {
    s.steps = 7;
    s.step_size = attacks::default_step_size(attack.epsilon, 7);
    s.start = attacks::Start::zero;
    s.keep_best = false;
    return s;
  }
  s.steps = attack.steps;
  s.step_size = attack.step_size > 0 ? attack.step_size
                                     : attacks::default_step_size(attack.epsilon, attack.steps);
  s.start = attack.random_start ? attacks::Start::uniform : attacks::Start::zero;
  s.keep_best = true;
  return s;
}

nlohmann::json to_json(const AttackOptions& attack) {
  const auto s = pgd_settings(attack);
  const bool paper = attack.kind == "pgd7-paper";
  return {{"attack", attack.kind},
          {"norm", attack.norm},
          {"epsilon", s.epsilon},
          {"steps", s.steps},
          {"step_size", s.step_size},
          {"random_start", s.start == attacks::Start::uniform},
          {"restarts", paper ? 1 : attack.restarts},
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
    const auto s = pgd_settings(attack);
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
    auto record = to_json(attack);
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
