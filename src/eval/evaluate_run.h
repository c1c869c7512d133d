#pragma once
// `dign eval`: load a trained run's checkpoint or a TorchScript file (run/load_run.h), evaluate
// it under a list of conditions (conditions.h: clean, Gaussian noise, a corrupted set, attacks)
// and write the report (JSON + CSV + Markdown).
#include <nlohmann/json.hpp>

#include <string>

#include "core/machine_options.h"
#include "core/progress.h"
#include "corrupt/generated_set.h"
#include "data/dataset.h"
#include "eval/attack_condition.h"
#include "eval/corruption_eval.h"
#include "eval/evaluator.h"

namespace dign::eval {

struct EvalRunOptions {
  /// Run directory written by `dign train`, or a TorchScript file mapping float [N,3,H,W] in
  /// [0,1] (after `input_mean`/`input_std`) to logits [N, classes].
  std::string model_dir;
  /// Normalization applied before a TorchScript model: a named choice (cifar10, imagenet) or 3
  /// comma-separated values each; empty = none (mean 0, std 1). Runs normalize inside.
  std::string input_mean, input_std;
  /// best | last | a checkpoint path. Default: best.
  std::string checkpoint = "best";
  data::DataOptions data;
  /// Use N test images (0 = all); see data::limit_per_class.
  int64_t test_limit = 0;
  EvalOptions eval;
  /// Test-time ensemble copies; 0 = what the run recorded (RSE: its --ensemble, others 1).
  int64_t ensemble = 0;
  /// Report path FILE.json (CSV and Markdown beside it); default <model_dir>/eval.json.
  std::string report;
  MachineOptions machine;
  /// Corrupted test set: a CIFAR-10-C style directory, or "generate" to corrupt the test
  /// split in memory with `generate`'s corruptions, severities, seed and frost; empty = none.
  std::string corrupted;
  corrupt::GenerateOptions generate;
  CorruptionEvalOptions corruption;
  /// Another model's report (eval.json with a corrupted section): adds mCE and relative mCE.
  std::string baseline;
  /// Attacks whose robust accuracy is reported (none by default).
  std::vector<AttackOptions> attacks;
  /// Reliability diagram of clean (and corrupted, pooled) predictions: FILE.png or FILE.svg.
  std::string reliability_diagram;
  /// FILE.npy: the clean test images' softmax probabilities, float32 [N, classes] in reader
  /// order, computed as the clean condition scores them (cross-checks against other code).
  std::string dump_probabilities;
  /// Apply <model_dir>/calibration.json (`dign calibrate`) when it was fitted on the evaluated
  /// checkpoint: the report then also holds each condition's temperature_scaled calibration.
  /// Default: true (`--no-temperature` turns it off).
  bool temperature = true;
};

/// Runs the evaluation and writes the report; returns it. dign::Error on bad input, found
/// before the model is loaded where it can be.
nlohmann::json run_evaluation(const EvalRunOptions& options, Progress& progress);

}  // namespace dign::eval
