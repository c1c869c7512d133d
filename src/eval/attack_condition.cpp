#include "eval/attack_condition.h"

#include <fmt/format.h>

#include "core/autocast.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/torch_rng.h"
#include "data/dataset.h"
#include "data/loader.h"
#include "metrics/accuracy.h"

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

std::vector<int64_t> evenly_spaced(int64_t size, int64_t limit) {
  const int64_t n = limit <= 0 || limit >= size ? size : limit;
  std::vector<int64_t> indices(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) indices[static_cast<size_t>(k)] = k * size / n;
  return indices;
}

int64_t AttackCondition::images() const {
  int64_t total = 0;
  for (const auto& a : attacks_) {
    const int64_t restarts = a.kind == "pgd7-paper" ? 1 : a.restarts;
    total += static_cast<int64_t>(evenly_spaced(test_.size(), a.limit).size()) * restarts;
  }
  return total;
}

namespace {

// Per-image starts: image i's depends on (seed, restart, i) only.
torch::Tensor per_image_starts(const torch::Tensor& images, const std::vector<int64_t>& indices,
                               const attacks::PgdSettings& s, uint64_t seed, int64_t restart) {
  std::vector<torch::Tensor> parts;
  parts.reserve(indices.size());
  for (size_t k = 0; k < indices.size(); ++k) {
    auto gen = make_generator(torch::kCPU, derive_seed(seed, {purpose_tag("eval-pgd-start"),
                                                              static_cast<uint64_t>(restart),
                                                              static_cast<uint64_t>(indices[k])}));
    parts.push_back(
        attacks::draw_start(images[static_cast<int64_t>(k)].unsqueeze(0).cpu(), s, gen));
  }
  return torch::cat(parts).to(images.device());
}

}  // namespace

void AttackCondition::evaluate(EvalContext& context, nlohmann::json& report) {
  report["adversarial"] = nlohmann::json::array();
  context.model.eval();
  for (const auto& attack : attacks_) {
    const auto s = attack.settings();
    const int64_t restarts = attack.kind == "pgd7-paper" ? 1 : attack.restarts;
    const auto chosen = evenly_spaced(test_.size(), attack.limit);
    const auto subset = data::subset(test_, chosen);
    std::vector<int64_t> order(static_cast<size_t>(subset.size()));
    for (size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int64_t>(k);
    data::BatchLoader loader(subset, order,
                             data::LoaderOptions().batch_size(context.options.batch_size), nullptr);
    metrics::AccuracyMeter accuracy;
    auto unused = make_generator(torch::kCPU, 0);  // starts are drawn per image below
    while (auto batch = loader.next()) {
      const auto x = batch->images.to(context.device);
      const auto y = batch->labels.to(context.device);
      auto robust = torch::ones({x.size(0)}, torch::kBool).to(context.device);
      for (int64_t r = 0; r < restarts; ++r) {
        torch::Tensor start;
        if (s.start == attacks::Start::uniform) {
          std::vector<int64_t> test_indices;  // positions in the test split
          for (int64_t k : batch->indices) test_indices.push_back(chosen[static_cast<size_t>(k)]);
          start = per_image_starts(x, test_indices, s, context.options.seed, r);
        }
        torch::Tensor adversarial;
        {
          AutocastScope autocast(context.options.precision, context.device);
          adversarial =
              attacks::pgd(context.model, x, attacks::cross_entropy_of(y), s, unused, start);
        }
        torch::NoGradGuard no_grad;
        AutocastScope autocast(context.options.precision, context.device);
        robust = robust & context.model.forward(adversarial).argmax(1).eq(y);
      }
      accuracy.add(robust.sum().item<int64_t>(), x.size(0));
      context.progress.status(
          fmt::format("{} {}/{}", attack.kind, accuracy.total(), subset.size()));
    }
    auto record = attack.to_json();
    record["images"] = subset.size();
    record["accuracy"] = accuracy.value();
    record["accuracy_se"] = accuracy.standard_error();
    report["adversarial"].push_back(record);
    context.progress.message(
        fmt::format("{} {} eps {:.5f}, {} steps: robust accuracy {:.4f} ± {:.4f} ({} images)",
                    attack.kind, attack.norm, s.epsilon, s.steps, accuracy.value(),
                    accuracy.standard_error(), subset.size()));
  }
}

}  // namespace dign::eval
