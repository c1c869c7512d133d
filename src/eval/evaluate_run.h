#pragma once
// `dign eval`: load a trained run's checkpoint, evaluate it on the test split
// clean and under Gaussian noise, and write the report (JSON + CSV + Markdown).
#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

#include "corrupt/generated_set.h"
#include "data/dataset.h"
#include "eval/corruption_eval.h"
#include "eval/evaluator.h"

namespace dign::eval {

struct EvalRunOptions {
  /// Run directory written by `dign train`.
  std::string model_dir;
  /// best | last | a checkpoint path. Default: best.
  std::string checkpoint = "best";
  data::DataOptions data;
  /// Use N test images (0 = all); see data::limit_per_class.
  int64_t test_limit = 0;
  EvalOptions eval;
  /// Test-time ensemble copies; 0 = what the run recorded (RSE: its --ensemble, others 1).
  int64_t ensemble = 0;
  /// Report path; default <model_dir>/eval.json.
  std::string out;
  int threads = 0;
  std::string device = "auto";
  std::string precision = "auto";
  /// auto | contiguous | channels-last (see models/memory_format.h).
  std::string memory_format = "auto";
  /// Corrupted test set: a CIFAR-10-C style directory, or "generate" to corrupt the test
  /// split in memory with `generate`'s corruptions, severities, seed and frost; empty = none.
  std::string corrupted;
  corrupt::GenerateOptions generate;
  CorruptionEvalOptions corruption;
  /// Another model's report (eval.json with a corrupted section): adds mCE and relative mCE.
  std::string baseline;
  /// Reliability diagram of clean (and corrupted, pooled) predictions: FILE.png or FILE.svg.
  std::string reliability_diagram;
};

/// Runs the evaluation and writes the report; returns it. dign::Error on bad input.
nlohmann::json run_evaluation(const EvalRunOptions& options, std::ostream& out);

}  // namespace dign::eval
