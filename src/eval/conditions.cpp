#include "eval/conditions.h"

#include <fmt/format.h>

#include <chrono>

#include "core/error.h"
#include "distributed/sharded_eval.h"
#include "eval/bootstrap_eval.h"
#include "eval/corruption_report.h"
#include "eval/report.h"

namespace dign::eval {

namespace {

/// Runs `fn` and adds its wall time to the context's bootstrap time.
template <typename F>
void timed(EvalContext& context, F fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  context.bootstrap_seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Rank 0 alone writes files under sharded evaluation (every rank holds every result).
bool writes_outputs(const EvalContext& context) {
  return distributed::writes_outputs(context.options.shards.get());
}

/// The intervals of one condition's record, from its per-image records.
void add_condition_bootstrap(EvalContext& context, const ConditionResult& result,
                             nlohmann::json& record) {
  const EvalOptions& o = context.options;
  if (o.bootstrap <= 0) return;
  timed(context, [&] {
    const metrics::BinnedPredictions binned = result.records.binned(o.bins);
    auto stats = [&](const uint32_t* counts) { return condition_stats(binned, counts); };
    add_intervals(record, bootstrap_resamples<metrics::CalibrationStats>(
                              binned.size(), o.seed, o.bootstrap, o.threads, stats));
  });
}

}  // namespace

void CleanCondition::evaluate(EvalContext& context, nlohmann::json& report) {
  const ConditionResult clean =
      evaluate_condition(context.model, test_, context.device, context.options, 0.0);
  report["clean"] = condition_json(clean);
  add_condition_bootstrap(context, clean, report["clean"]);
  if (!context.options.predictions_dir.empty() && writes_outputs(context)) {
    write_predictions(context.options.predictions_dir, "clean", {&clean.records}, {});
  }
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
  std::vector<PredictionRecords> records;
  for (double sigma : sigmas_) {
    ConditionResult noisy =
        evaluate_condition(context.model, test_, context.device, context.options, sigma);
    nlohmann::json record = condition_json(noisy);
    add_condition_bootstrap(context, noisy, record);
    report["gaussian_noise"].push_back(record);
    if (!context.options.predictions_dir.empty()) records.push_back(std::move(noisy.records));
    context.progress.message(fmt::format("gaussian noise sigma {}: accuracy {:.4f}  RMSE {:.4f}",
                                         sigma, noisy.accuracy.value(),
                                         noisy.calibration.value().rmse));
  }
  if (!context.options.predictions_dir.empty() && writes_outputs(context)) {
    std::vector<const PredictionRecords*> all;
    for (const auto& r : records) all.push_back(&r);
    write_predictions(context.options.predictions_dir, "gaussian_noise", all,
                      {static_cast<int64_t>(sigmas_.size())});
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
  const size_t cells = set_->corruptions().size() * set_->severities().size();
  return set_->size() * static_cast<int64_t>(cells - resumed_cells_);
}

void CorruptedCondition::evaluate(EvalContext& context, nlohmann::json& report) {
  const CorruptedResults results = evaluate_corrupted(
      context.model, *set_, context.device, context.options, options_, context.progress, log_);
  resumed_cells_ = results.resumed_cells;
  if (resumed_cells_ > 0) {
    // This evaluation's seconds leave out the restored cells' scoring; here it is.
    report["timing"]["resumed_corrupted_cells"] = resumed_cells_;
    report["timing"]["resumed_seconds"] = results.resumed_seconds;
  }
  report["corrupted"] = corrupted_json(results, *set_, options_);
  const EvalOptions& o = context.options;
  std::vector<const PredictionRecords*> cells;
  for (const auto& row : results.cells) {
    for (const auto& cell : row) cells.push_back(&cell.records);
  }
  if (o.bootstrap > 0) {
    timed(context, [&] {
      const CorruptedPredictions p = corrupted_predictions(report["corrupted"], cells, o.bins);
      auto stats = [&](const uint32_t* counts) { return corrupted_stats(p, counts); };
      add_corrupted_intervals(
          report["corrupted"],
          bootstrap_resamples<CorruptedStats>(p.images(), o.seed, o.bootstrap, o.threads, stats));
    });
  }
  if (!o.predictions_dir.empty() && writes_outputs(context)) {
    write_predictions(o.predictions_dir, "corrupted", cells,
                      {static_cast<int64_t>(results.corruptions.size()),
                       static_cast<int64_t>(results.severities.size())});
  }
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
