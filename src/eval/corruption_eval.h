#pragma once
// The paper's robustness and calibration evaluation on a corrupted test set
// (CIFAR-10-C style, read from disk or generated in memory): accuracy A(m,j) per
// corruption m and severity j; mCA over all corruptions but gaussian_noise; mCA-N
// over the noise set but gaussian_noise; RMSE, ECE, OE and SH with all corrupted
// predictions pooled into one binning (as the paper's reference evaluation pools
// them, gaussian_noise excluded) and with the noise subset pooled the same way.
// Streams: one batch in memory at a time, the next prepared while the model runs.
//
//   auto set = corrupt::generate_corrupted(test, corrupt::GenerateOptions{});  // or read one
//   CorruptedResults r = evaluate_corrupted(*model, *set, torch::kCPU, EvalOptions(),
//                                           CorruptionEvalOptions(), progress);
//   r.cells[m][j].accuracy.value();               // corruption m at severity r.severities[j]
//   r.pooled_all.calibration.value().rmse;        // RMSE over all corruptions but the excluded
//   nlohmann::json section = corrupted_json(r, *set, CorruptionEvalOptions());  // mCA, mCA-N
#include <torch/torch.h>

#include <string>
#include <vector>

#include "core/progress.h"
#include "data/corrupted_set.h"
#include "eval/evaluator.h"

namespace dign::eval {

struct CorruptionEvalOptions {
  /// Corruptions counted as noise for the -N metrics. Default: the paper's four.
  std::vector<std::string> noise_set = data::default_noise_set();
  /// Left out of mCA, mCA-N and the pooled metrics, as the paper does (a Gaussian-noise
  /// trained model would otherwise be scored on its own training noise).
  std::string excluded = "gaussian_noise";
};

struct CorruptedResults {
  std::vector<std::string> corruptions;
  std::vector<int> severities;
  /// cells[m][j]: corruption m at severities[j].
  std::vector<std::vector<ConditionResult>> cells;
  ConditionResult pooled_all;    ///< every corruption but the excluded one
  ConditionResult pooled_noise;  ///< the noise set but the excluded one
  /// Cells restored from an interrupted evaluation's log (cell_log.h) rather than scored, and
  /// the seconds spent scoring them then.
  size_t resumed_cells = 0;
  double resumed_seconds = 0.0;
  /// Seconds spent scoring the cells, the restored ones' included.
  double seconds = 0.0;
  explicit CorruptedResults(int64_t bins) : pooled_all(bins), pooled_noise(bins) {}
};

class CellLog;

/// Evaluates `model` on every corruption and severity of `set`, one line per cell to
/// `progress`. With a `log` (cell_log.h) it first restores the cells an interrupted evaluation
/// finished, saves each cell as it finishes and, when a stop is requested (stop_signal.h),
/// throws dign::Stopped after saving the cell.
CorruptedResults evaluate_corrupted(models::ClassifierImpl& model, const data::CorruptedSet& set,
                                    const torch::Device& device, const EvalOptions& options,
                                    const CorruptionEvalOptions& corruption_options,
                                    Progress& progress, const CellLog* log = nullptr);

/// The report's "corrupted" section (fractions): per corruption and severity, mca, mca_n
/// (null with a note when no noise corruption is present), the unnormalized mean corruption
/// error 1 - mCA, and the pooled calibration ("all", "noise").
nlohmann::json corrupted_json(const CorruptedResults& results, const data::CorruptedSet& set,
                              const CorruptionEvalOptions& corruption_options);

}  // namespace dign::eval
