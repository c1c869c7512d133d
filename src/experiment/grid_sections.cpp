#include "experiment/grid_sections.h"

#include <fmt/format.h>

#include <map>

#include "core/error.h"
#include "experiment/json_keys.h"

namespace dign::experiment {
namespace {

using detail::key;
using detail::read_keys;
using nlohmann::json;

eval::AttackOptions parse_attack(const json& j, const std::string& where) {
  eval::AttackOptions a;
  read_keys(
      j, where,
      {key("kind", a.kind), key("norm", a.norm), key("epsilon", a.epsilon), key("steps", a.steps),
       key("step_size", a.step_size), key("random_start", a.random_start),
       key("restarts", a.restarts), key("limit", a.limit)});
  // The rules of `dign eval`, whose errors name the flags' fields (attack_eps): the file's keys.
  static const std::map<std::string, std::string> keys = {
      {"attack", "kind"},        {"attack_norm", "norm"},           {"attack_eps", "epsilon"},
      {"attack_steps", "steps"}, {"attack_step_size", "step_size"}, {"attack_restarts", "restarts"},
      {"attack_limit", "limit"}};
  try {
    a.validate();
  } catch (const OptionError& e) {
    const auto it = keys.find(e.field());
    throw Error(
        fmt::format("{}: {}: {}", where, it == keys.end() ? e.field() : it->second, e.message()));
  }
  return a;
}

}  // namespace

EvaluationSpec parse_evaluation(const json& j, const std::string& where) {
  EvaluationSpec e;
  if (j.is_boolean()) {
    e.enabled = j.get<bool>();
    return e;
  }
  json attacks = json::array();
  read_keys(
      j, where,
      {key("report", e.report), key("noise_sigmas", e.noise_sigmas), key("corrupted", e.corrupted),
       key("corruption_seed", e.corruption_seed), key("severities", e.severities),
       key("test_limit", e.test_limit), key("attacks", attacks)});
  DIGN_CHECK(!e.report.empty() && e.report.find('/') == std::string::npos, where,
             ": report: expected a file name inside the run directory");
  for (double s : e.noise_sigmas) DIGN_CHECK(s > 0, where, ": noise_sigmas: expected > 0");
  for (int s : e.severities) DIGN_CHECK(s >= 1 && s <= 5, where, ": severities: expected 1-5");
  for (const auto& a : attacks) e.attacks.push_back(parse_attack(a, where + ": attacks"));
  return e;
}

LandscapeSpec parse_landscape(const json& j, const std::string& where) {
  LandscapeSpec l;
  l.enabled = true;
  auto& o = l.options;
  read_keys(j, where,
            {key("labels", l.labels), key("seed", l.seed), key("limit", l.limit),
             key("radii", o.radii), key("directions", o.directions), key("eta", o.eta),
             key("curvature_samples", o.curvature_samples), key("kl_samples", o.kl_samples),
             key("sigmas", o.sigmas), key("landscape_seed", o.seed),
             key("batch_size", o.batch_size), key("train_mode_check", o.train_mode_check)});
  DIGN_CHECK(!l.labels.empty(), where, ": labels: expected the labels of the runs to measure");
  try {
    o.validate();
  } catch (const OptionError& e) {
    throw Error(fmt::format("{}: {}: {}", where, e.field(), e.message()));
  }
  DIGN_CHECK(l.limit >= 0, where, ": limit: expected >= 0");
  return l;
}

json EvaluationSpec::to_json() const {
  json attacks_json = json::array();
  for (const auto& a : attacks) {
    attacks_json.push_back({{"kind", a.kind},
                            {"norm", a.norm},
                            {"epsilon", a.epsilon},
                            {"steps", a.steps},
                            {"step_size", a.step_size},
                            {"random_start", a.random_start},
                            {"restarts", a.restarts},
                            {"limit", a.limit}});
  }
  return {{"enabled", enabled},
          {"report", report},
          {"noise_sigmas", noise_sigmas},
          {"corrupted", corrupted},
          {"corruption_seed", corruption_seed},
          {"severities", severities},
          {"attacks", attacks_json},
          {"test_limit", test_limit}};
}

}  // namespace dign::experiment
