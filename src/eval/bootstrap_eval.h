#pragma once
// 95% percentile-bootstrap intervals for the report's figures (`dign eval --bootstrap B`).
// A resample draws the n test images with replacement (metrics::bootstrap_counts(seed, b, n));
// every condition is rescored on the drawn images from its per-image records, and every
// corruption x severity cell keeps its n images (the resampling is stratified by cell: each
// cell's images are the drawn ones, so an image's corrupted versions travel together), from
// which mCA, mCA-N and the pooled calibration are recomputed.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/parallel.h"
#include "eval/predictions.h"
#include "metrics/bootstrap.h"

namespace dign::eval {

/// A corrupted section's predictions, cells[corruption][severity], with the report's flags.
struct CorruptedPredictions {
  std::vector<std::vector<metrics::BinnedPredictions>> cells;
  std::vector<bool> in_mca;  ///< counted in mCA and in the pooled "all"
  std::vector<bool> noise;   ///< of the noise set (mCA-N and "noise" also need in_mca)
  int64_t bins = 16;
  int64_t images() const;
};

/// A corrupted section's figures under one weighting of the images.
struct CorruptedStats {
  std::vector<std::vector<metrics::CalibrationStats>> cells;
  std::vector<double> mean_accuracy;  ///< per corruption, over severities
  double mca = 0.0;                   ///< NaN when no corruption counts
  double mca_n = 0.0;                 ///< NaN when no noise corruption counts
  metrics::CalibrationStats all, noise;
};

/// counts: the images' multiplicities (nullptr = each image once: the report's own figures).
metrics::CalibrationStats condition_stats(const metrics::BinnedPredictions& predictions,
                                          const uint32_t* counts);
CorruptedStats corrupted_stats(const CorruptedPredictions& predictions, const uint32_t* counts);

/// fn(counts) for resamples b = 0 .. resamples - 1 of n images, spread over `threads`; the
/// result does not depend on `threads`.
template <typename T>
std::vector<T> bootstrap_resamples(int64_t n, uint64_t seed, int64_t resamples, int threads,
                                   const std::function<T(const uint32_t*)>& fn) {
  std::vector<T> out(static_cast<size_t>(resamples));
  parallel_chunks(resamples, threads, [&](int64_t begin, int64_t end) {
    std::vector<uint32_t> counts;
    for (int64_t b = begin; b < end; ++b) {
      metrics::bootstrap_counts(seed, b, n, counts);
      out[static_cast<size_t>(b)] = fn(counts.data());
    }
  });
  return out;
}

/// Adds "<name>_ci95": [low, high] beside accuracy, ece, rmse, oe and sharpness of a condition
/// record (null where the figure is null or no resample defines it).
void add_intervals(nlohmann::json& record, const std::vector<metrics::CalibrationStats>& samples);

/// The same for a corrupted section: every cell, each corruption's mean_accuracy, mca, mca_n,
/// mean_corruption_error_unnormalized, and the pooled "all" and "noise".
void add_corrupted_intervals(nlohmann::json& corrupted, const std::vector<CorruptedStats>& samples);

/// The report's "bootstrap" record: resamples, seed, level, and the method in words.
nlohmann::json bootstrap_record(int64_t resamples, uint64_t seed);

/// A corrupted section's flags (its report record's per_corruption in_mca and noise) and its
/// cells' records, in C order [corruption][severity].
CorruptedPredictions corrupted_predictions(const nlohmann::json& corrupted,
                                           const std::vector<const PredictionRecords*>& cells,
                                           int64_t bins);

}  // namespace dign::eval
