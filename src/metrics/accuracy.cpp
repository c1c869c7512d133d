#include "metrics/accuracy.h"

#include <cmath>
#include <limits>

#include "core/error.h"

namespace dign::metrics {

void AccuracyMeter::add(int64_t correct, int64_t total) {
  DIGN_CHECK(total >= 0 && correct >= 0 && correct <= total,
             "AccuracyMeter::add: expected 0 <= correct <= total, got correct ", correct,
             ", total ", total);
  // Counts past 2^63 mean a caller bug (e.g. adding garbage), not real data.
  DIGN_CHECK(total <= std::numeric_limits<int64_t>::max() - total_,
             "AccuracyMeter::add: total would overflow int64 (", total_, " + ", total, ")");
  correct_ += correct;
  total_ += total;
}

void AccuracyMeter::add(bool correct) {
  add(correct ? 1 : 0, 1);
}

void AccuracyMeter::merge(const AccuracyMeter& other) {
  add(other.correct_, other.total_);
}

void AccuracyMeter::reset() {
  correct_ = 0;
  total_ = 0;
}

double AccuracyMeter::value() const {
  if (total_ == 0) {
    return 0.0;
  }
  return static_cast<double>(correct_) / static_cast<double>(total_);
}

double AccuracyMeter::standard_error() const {
  if (total_ == 0) {
    return 0.0;
  }
  const double p = value();
  return std::sqrt(p * (1.0 - p) / static_cast<double>(total_));
}

}  // namespace dign::metrics
