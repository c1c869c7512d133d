#pragma once
// Evaluation is a list of conditions, each scoring the model through the one scoring path
// (evaluator.h: score_batch) and writing its own section of the report: clean test images,
// Gaussian noise at given levels, a corrupted test set (read or generated). A condition
// that needs gradients (an attack) computes its inputs with autograd, then scores them the
// same way.
//
//   EvalContext context{*model, machine.device, options, progress};
//   for (auto& condition : conditions) condition->evaluate(context, report);
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/progress.h"
#include "data/corrupted_set.h"
#include "data/image_set.h"
#include "eval/cell_log.h"
#include "eval/corruption_eval.h"
#include "eval/evaluator.h"
#include "metrics/reliability_diagram.h"
#include "models/classifier.h"

namespace dign::eval {

/// What every condition scores with, and what they share.
struct EvalContext {
  models::ClassifierImpl& model;  ///< in eval mode, on `device`
  torch::Device device;
  EvalOptions options;
  Progress& progress;
  /// The reliability-diagram series the conditions add (clean, corrupted, ...).
  std::vector<metrics::ReliabilitySeries> diagram = {};
  /// Wall time spent in the bootstrap (options.bootstrap > 0), summed over conditions.
  double bootstrap_seconds = 0.0;
};

class Condition {
 public:
  virtual ~Condition() = default;
  /// The report section it writes ("clean", "gaussian_noise", "corrupted").
  virtual std::string name() const = 0;
  /// Images it scores (each scored `ensemble` times under a test-time ensemble).
  virtual int64_t images() const = 0;
  /// Scores the model and writes report[name()].
  virtual void evaluate(EvalContext& context, nlohmann::json& report) = 0;
};

/// The test images as they are.
class CleanCondition : public Condition {
 public:
  explicit CleanCondition(const data::ImageSet& test) : test_(test) {}
  std::string name() const override { return "clean"; }
  int64_t images() const override { return test_.size(); }
  void evaluate(EvalContext& context, nlohmann::json& report) override;

 private:
  const data::ImageSet& test_;
};

/// x + N(0, sigma^2) per pixel in [0,1] units, clipped to [0,1], at each level; the noise
/// of image i depends on (seed, level, i) only.
class GaussianNoiseCondition : public Condition {
 public:
  GaussianNoiseCondition(const data::ImageSet& test, std::vector<double> sigmas)
      : test_(test), sigmas_(std::move(sigmas)) {}
  std::string name() const override { return "gaussian_noise"; }
  int64_t images() const override;
  void evaluate(EvalContext& context, nlohmann::json& report) override;

 private:
  const data::ImageSet& test_;
  std::vector<double> sigmas_;
};

/// Every corruption and severity of a corrupted test set: accuracy and calibration per cell,
/// mCA, mCA-N, pooled calibration; with a baseline report, mCE and relative mCE.
class CorruptedCondition : public Condition {
 public:
  /// `baseline` (another model's report) may be null; `baseline_source` names it.
  CorruptedCondition(std::unique_ptr<data::CorruptedSet> set, CorruptionEvalOptions options,
                     nlohmann::json baseline, std::string baseline_source);
  std::string name() const override { return "corrupted"; }
  /// Images scored: every cell's before evaluate(), the cells not restored from a log after.
  int64_t images() const override;
  void evaluate(EvalContext& context, nlohmann::json& report) override;
  /// Keeps each finished cell in `log` (cell_log.h), so that an interrupted evaluation resumes
  /// there; the report's timing then says how many cells were restored.
  /// `log` must outlive evaluate(); its owner removes it once the report is written.
  void keep_cells(const CellLog* log) { log_ = log; }

 private:
  std::unique_ptr<data::CorruptedSet> set_;
  size_t resumed_cells_ = 0;
  const CellLog* log_ = nullptr;
  CorruptionEvalOptions options_;
  nlohmann::json baseline_;
  std::string baseline_source_;
};

}  // namespace dign::eval
