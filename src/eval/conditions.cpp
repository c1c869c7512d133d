#include "eval/conditions.h"

#include <fmt/format.h>

#include "core/error.h"
#include "eval/corruption_report.h"
#include "eval/report.h"

namespace dign::eval {

void CleanCondition::evaluate(EvalContext& context, nlohmann::json& report) {
  const ConditionResult clean =
      evaluate_condition(context.model, test_, context.device, context.options, 0.0);
  report["clean"] = condition_json(clean);
  context.diagram.push_back({"clean", clean.calibration.value()});
  context.progress.message(fmt::format("clean: accuracy {:.4f} ± {:.4f}  ECE {:.4f}  RMSE {:.4f}",
                                       clean.accuracy.value(), clean.accuracy.standard_error(),
                                       clean.calibration.value().ece,
                                       clean.calibration.value().rmse));
}

int64_t GaussianNoiseCondition::images() const {
  return test_.size() * static_cast<int64_t>(sigmas_.size());
}

void GaussianNoiseCondition::evaluate(EvalContext& context, nlohmann::json& report) {
  report["gaussian_noise"] = nlohmann::json::array();
  for (double sigma : sigmas_) {
    const ConditionResult noisy =
        evaluate_condition(context.model, test_, context.device, context.options, sigma);
    report["gaussian_noise"].push_back(condition_json(noisy));
    context.progress.message(fmt::format("gaussian noise sigma {}: accuracy {:.4f}  RMSE {:.4f}",
                                         sigma, noisy.accuracy.value(),
                                         noisy.calibration.value().rmse));
  }
  report["gaussian_noise_note"] =
      "x + N(0, sigma^2) per pixel in [0,1] units, clipped to [0,1]; noise seeded per image";
}

CorruptedCondition::CorruptedCondition(std::unique_ptr<data::CorruptedSet> set,
                                       CorruptionEvalOptions options, nlohmann::json baseline,
                                       std::string baseline_source)
    : set_(std::move(set)),
      options_(std::move(options)),
      baseline_(std::move(baseline)),
      baseline_source_(std::move(baseline_source)) {}

int64_t CorruptedCondition::images() const {
  return set_->size() *
         static_cast<int64_t>(set_->corruptions().size() * set_->severities().size());
}

void CorruptedCondition::evaluate(EvalContext& context, nlohmann::json& report) {
  const CorruptedResults results = evaluate_corrupted(context.model, *set_, context.device,
                                                      context.options, options_, context.progress);
  report["corrupted"] = corrupted_json(results, *set_, options_);
  const auto& k = report["corrupted"];
  context.progress.message(
      fmt::format("corrupted: mCA {}  mCA-N {}", k["mca"].dump(), k["mca_n"].dump()));
  if (!k["all"].is_null()) {
    context.diagram.push_back({"corrupted", results.pooled_all.calibration.value()});
  }
  if (!k["noise"].is_null()) {
    context.diagram.push_back({"noise corruptions", results.pooled_noise.calibration.value()});
  }
  if (baseline_.is_null()) return;
  try {
    add_baseline_errors(report, baseline_, baseline_source_);
  } catch (const nlohmann::json::exception& e) {
    throw OptionError("baseline",
                      detail::concat(baseline_source_, ": not a dign report (", e.what(), ")"));
  }
}

}  // namespace dign::eval
