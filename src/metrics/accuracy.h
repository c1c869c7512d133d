#pragma once
// Streaming top-1 accuracy with its binomial standard error (ggml/llama.cpp
// report accuracy this way), mergeable across workers like flashlight meters.
//
// Intended usage:
// \code
//   dign::AccuracyMeter meter;
//   meter.add(/*correct=*/num_correct_in_batch, /*total=*/batch_size);
//   double acc = meter.value();           // fraction in [0, 1]
//   double se = meter.standard_error();   // sqrt(acc (1 - acc) / total)
// \endcode
#include <cstdint>

namespace dign::metrics {

/// Counts correct and total predictions: test accuracy (1/n) sum 1{y = y_hat}.
class AccuracyMeter {
 public:
  /// Adds a batch of `total` predictions of which `correct` were right;
  /// requires 0 <= correct <= total.
  void add(int64_t correct, int64_t total);
  void add(bool correct);

  void merge(const AccuracyMeter& other);
  void reset();

  /// Fraction correct in [0, 1]; 0 when nothing was added.
  double value() const;
  /// Binomial standard error sqrt(p (1 - p) / n) of value(); 0 when n == 0.
  double standard_error() const;

  int64_t correct() const { return correct_; }
  int64_t total() const { return total_; }

 private:
  int64_t correct_ = 0;
  int64_t total_ = 0;
};

}  // namespace dign::metrics
