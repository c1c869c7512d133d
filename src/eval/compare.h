#pragma once
// `dign compare A B`: paired differences between two models evaluated on the same images, from
// the per-image predictions their reports saved (dign eval --save-predictions DIR): clean
// accuracy, ECE and RMSE, accuracy and RMSE under each Gaussian-noise level, mCA, mCA-N, RMSE,
// RMSE-N and ECE-N, each as A - B with a paired percentile-bootstrap interval and the fraction
// of resamples in which A is better. Reports on different images or sets are refused.
//
//   CompareOptions o;  o.a = "dign/eval.json";  o.b = "standard/eval.json";
//   nlohmann::json table = compare_reports(o);   // also written to o.out when given
//   std::cout << compare_markdown(table);
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace dign::eval {

struct CompareOptions {
  /// Evaluation reports (FILE.json) written with --save-predictions.
  std::string a, b;
  /// Bootstrap resamples. Default: 1000.
  int64_t resamples = 1000;
  /// Seed of the resamples (the same draws as dign eval --bootstrap with --seed). Default: 0.
  uint64_t seed = 0;
  /// FILE.json for the table (FILE.md beside it); empty = none.
  std::string out;
  int threads = 1;
  void validate() const;
};

/// The comparison: {"a", "b", "method", "resamples", "seed", "images", "rows": [{"metric",
/// "higher_is_better", "a", "b", "difference", "difference_ci95", "a_better_fraction"}]}.
/// dign::Error naming the file that is not a report, has no predictions, or was evaluated on
/// other images, another corrupted set or other conditions than A.
nlohmann::json compare_reports(const CompareOptions& options);

/// The comparison as a Markdown table with the method stated under it.
std::string compare_markdown(const nlohmann::json& comparison);

}  // namespace dign::eval
