#pragma once
// Calibration and sharpness of top-label confidences: RMSE, ECE, OE and SH as
// defined in the DiGN paper ("Performance Metrics"), streamed in O(num_bins)
// memory so a million corrupted images cost no more than one batch, and
// mergeable across workers.
//
// Intended usage:
// \code
//   dign::CalibrationMeter meter;              // 16 bins, as the paper's code
//   for (const auto& batch : batches) {
//     // confidences: float [N] = max softmax probability,
//     // correct:     uint8 [N] = 1 if argmax == label else 0
//     meter.add(batch.confidences.data(), batch.correct.data(), batch.size);
//   }
//   dign::CalibrationResult r = meter.value();  // r.ece, r.rmse, r.oe, r.sharpness
// \endcode
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dign::metrics {

/// One reliability bin (low, high]. For an empty bin (count == 0) accuracy,
/// confidence and variance are all 0: they are placeholders, not estimates,
/// and empty bins contribute nothing to any metric.
struct CalibrationBin {
  double low = 0.0;
  double high = 0.0;
  int64_t count = 0;
  double accuracy = 0.0;    ///< acc(B) = fraction of correct predictions in B
  double confidence = 0.0;  ///< conf(B) = mean confidence in B
  double variance = 0.0;    ///< population variance of confidences in B (/|B|)
};

/// Metrics over all predictions added so far. With n = count and weights
/// |B_i|/n (empty bins skipped):
///   RMSE = sqrt(sum_i |B_i|/n (acc_i - conf_i)^2)
///   ECE  = sum_i |B_i|/n |acc_i - conf_i|
///   OE   = sum_i |B_i|/n conf_i max(conf_i - acc_i, 0)
///   SH   = (sqrt(sum_i |B_i|/n Var_i))^-1
/// All fractions are in [0, 1] (the paper's tables print RMSE/ECE/OE x 100).
struct CalibrationResult {
  int64_t count = 0;      ///< n, number of predictions
  double accuracy = 0.0;  ///< overall fraction correct (0 when n == 0)
  double ece = 0.0;
  double rmse = 0.0;
  double oe = 0.0;
  /// nullopt when SH is undefined or unbounded; sharpness_note then says why
  /// ("no predictions", or every non-empty bin has zero variance). Empty when
  /// sharpness has a value.
  std::optional<double> sharpness;
  std::string sharpness_note;
  std::vector<CalibrationBin> bins;  ///< all num_bins bins, lowest first
  int64_t num_bins = 0;
};

/// Streaming reliability-bin meter: add / merge / reset / value.
///
/// Binning: num_bins equal-width bins; bin k (0-based) is
/// (k/num_bins, (k+1)/num_bins], edges computed in double. A confidence of
/// exactly 0 goes into the first bin (the paper's code silently drops it while
/// still counting it in n). Confidences outside [0, 1] or NaN throw dign::Error.
///
/// Per bin it keeps the count, the number correct, the min/max, and the mean
/// and M2 (sum of squared deviations) of the confidences, combined with Chan
/// et al.'s parallel update. Not sum(c) and sum(c^2): E[c^2] - E[c]^2 cancels
/// catastrophically when confidences cluster near 1, as they do for a trained
/// classifier.
class CalibrationMeter {
 public:
  /// num_bins >= 1. Default: 16, the paper's reference code (test-cal-c.py:
  /// Delta = 0.0666, nbins = ceil(1/Delta) = 16, edges linspace(0, 1, 17)).
  explicit CalibrationMeter(int64_t num_bins = 16);

  /// Adds n predictions. confidences: float [n] in [0, 1]; correct: uint8 [n],
  /// nonzero meaning correct. Validates the whole batch before accumulating,
  /// so on error the meter is unchanged.
  void add(const float* confidences, const uint8_t* correct, int64_t n);
  void add(float confidence, bool correct);

  /// Adds other's predictions; throws if the bin counts differ.
  void merge(const CalibrationMeter& other);
  void reset();
  CalibrationResult value() const;

  int64_t num_bins() const { return num_bins_; }

  /// The exact state, 6 words a bin (count, correct, and the bit patterns of the mean, M2, min
  /// and max), so that a long evaluation can stop and resume with the same bits
  /// (eval/cell_log.h). restore_state replaces this meter's state with one of the same bins;
  /// dign::Error when the size does not match or a count is impossible.
  std::vector<uint64_t> exact_state() const;
  void restore_state(const std::vector<uint64_t>& state);

  /// The binning rule in words, for output files next to the numbers.
  static std::string binning_description(int64_t num_bins);

 private:
  struct BinState {
    int64_t count = 0;
    int64_t correct = 0;  // integer: exact at any n
    double mean = 0.0;    // mean confidence
    double m2 = 0.0;      // sum of squared deviations from mean
    double min = 0.0;     // min == max proves a variance of exactly 0
    double max = 0.0;
  };

  int64_t bin_index(double confidence) const;
  static void combine(BinState& into, const BinState& from);

  int64_t num_bins_;
  std::vector<BinState> bins_;
};

}  // namespace dign::metrics
