#pragma once
// Percentile bootstrap of accuracy and the paper's calibration metrics over test images,
// without re-running the model: each condition keeps one (confidence, correct) record per
// image, binned once; a resample is a vector of multiplicities (how often each image was
// drawn), and every metric is recomputed from weighted per-bin sums. Resample b's draws come
// from a counter-based stream (seed, b), so any resample can be recomputed alone, two models
// scored on the same images get the same resamples (paired comparisons), and the result does
// not depend on threads.
//
// Intended usage:
// \code
//   dign::metrics::BinnedPredictions clean(conf.data(), correct.data(), n, /*bins=*/16);
//   std::vector<uint32_t> counts;
//   std::vector<double> ece;
//   for (int64_t b = 0; b < 1000; ++b) {
//     dign::metrics::bootstrap_counts(seed, b, n, counts);
//     dign::metrics::BinSums sums(16);
//     clean.accumulate(counts.data(), sums);
//     ece.push_back(sums.stats().ece);
//   }
//   auto ci = dign::metrics::percentile_interval(ece);  // 95%: {low, high}
// \endcode
#include <cstdint>
#include <optional>
#include <vector>

namespace dign::metrics {

/// Multiplicities of n items in bootstrap resample `resample`: n draws with replacement, all
/// from SampleRng(derive_seed(seed, {purpose_tag("bootstrap"), resample})). counts: n entries
/// summing to n.
void bootstrap_counts(uint64_t seed, int64_t resample, int64_t n, std::vector<uint32_t>& counts);

/// The resampled accuracies of `correct` right out of n predictions known only by their count:
/// in resample b, the fraction of the n draws (bootstrap_counts(seed, b, n)) that fall on the
/// first `correct` items, the same distribution as resampling the images themselves.
std::vector<double> bootstrap_proportion(int64_t correct, int64_t n, uint64_t seed,
                                         int64_t resamples);

/// Accuracy and calibration on one (re)sample. NaN where undefined: everything with no
/// predictions, sharpness when every non-empty bin has zero variance (SH = 1/0).
struct CalibrationStats {
  double accuracy = 0.0;
  double ece = 0.0;
  double rmse = 0.0;
  double oe = 0.0;
  double sharpness = 0.0;
};

/// Weighted per-bin sums: count, correct, and the first two moments of confidence minus the
/// bin's midpoint (a shift common to every condition, so pooled sums just add; deviations of at
/// most half a bin width keep E[d^2] - E[d]^2 free of cancellation at the scale of
/// confidences).
struct BinSums {
  explicit BinSums(int64_t bins);
  std::vector<double> count, correct, deviation, deviation_squared;
  void merge(const BinSums& other);
  void clear();
  /// The definitions of calibration.h (|B|/n weights, empty bins skipped, population variance).
  CalibrationStats stats() const;
};

/// One condition's per-image predictions, binned by CalibrationMeter's rule (bin k is
/// (k/bins, (k+1)/bins], 0 in the first bin).
class BinnedPredictions {
 public:
  BinnedPredictions() = default;
  /// confidence: float [n] in [0, 1]; correct: uint8 [n], nonzero = correct.
  BinnedPredictions(const float* confidence, const uint8_t* correct, int64_t n, int64_t bins);
  int64_t size() const { return static_cast<int64_t>(bin_.size()); }
  int64_t bins() const { return bins_; }
  /// Adds prediction i with weight counts[i] (counts: size() entries; nullptr = weight 1).
  void accumulate(const uint32_t* counts, BinSums& sums) const;

 private:
  int64_t bins_ = 0;
  std::vector<uint16_t> bin_;
  std::vector<float> confidence_;
  std::vector<double> midpoint_;  // per bin
  std::vector<uint8_t> correct_;
};

/// The bin of `confidence` under CalibrationMeter's rule.
int64_t calibration_bin(double confidence, int64_t bins);

struct Interval {
  double low = 0.0;
  double high = 0.0;
};

/// The percentile interval of `samples` at `level` (0.95: the 2.5% and 97.5% quantiles, linear
/// interpolation between order statistics as numpy.quantile's default); NaN samples are left
/// out; nullopt when none is finite.
std::optional<Interval> percentile_interval(std::vector<double> samples, double level = 0.95);

}  // namespace dign::metrics
