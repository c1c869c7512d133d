#include "metrics/calibration.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "core/error.h"

namespace dign::metrics {
namespace {

// Shortest text that reads back as the same value ("1.5", "-0.1", "nan"), so
// an error names exactly what the caller passed, not a 6-digit rounding of it.
template <typename T>
std::string shortest(T value) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

// index < 0: a single add(), where "at index" would only confuse.
void check_confidence(float confidence, int64_t index) {
  if (!std::isnan(confidence) && confidence >= 0.0f && confidence <= 1.0f) {
    return;
  }
  const std::string where = index < 0 ? std::string() : " at index " + std::to_string(index);
  if (std::isnan(confidence)) {
    throw Error(detail::concat("CalibrationMeter::add: confidence ", shortest(confidence), where,
                               " is not a number; expected a value in [0, 1]"));
  }
  throw Error(detail::concat("CalibrationMeter::add: confidence ", shortest(confidence), where,
                             " is outside [0, 1]"));
}

}  // namespace

CalibrationMeter::CalibrationMeter(int64_t num_bins) : num_bins_(num_bins) {
  DIGN_CHECK(num_bins >= 1, "CalibrationMeter: num_bins must be >= 1, got ", num_bins);
  bins_.resize(static_cast<size_t>(num_bins));
}

int64_t CalibrationMeter::bin_index(double confidence) const {
  // Bin k is (k/B, (k+1)/B]; 0 joins bin 0. ceil(c*B) is exact for float c
  // and B < 2^29; beyond that c*B can round, so settle the guess against the
  // same double edges k/B that value() reports.
  if (confidence <= 0.0) {
    return 0;
  }
  const double bins = static_cast<double>(num_bins_);
  int64_t index = static_cast<int64_t>(std::ceil(confidence * bins)) - 1;
  index = std::clamp<int64_t>(index, 0, num_bins_ - 1);
  while (index > 0 && confidence <= static_cast<double>(index) / bins) {
    --index;
  }
  while (index < num_bins_ - 1 && confidence > static_cast<double>(index + 1) / bins) {
    ++index;
  }
  return index;
}

// Chan, Golub & LeVeque's pairwise update of (count, mean, M2): no sums of
// squares, so no cancellation near 1.
void CalibrationMeter::combine(BinState& into, const BinState& from) {
  if (from.count == 0) {
    return;
  }
  if (into.count == 0) {
    into = from;
    return;
  }
  const double n_a = static_cast<double>(into.count);
  const double n_b = static_cast<double>(from.count);
  const double n = n_a + n_b;
  const double delta = from.mean - into.mean;
  into.mean += delta * (n_b / n);
  into.m2 += from.m2 + delta * delta * (n_a * n_b / n);
  into.count += from.count;
  into.correct += from.correct;
  into.min = std::min(into.min, from.min);
  into.max = std::max(into.max, from.max);
}

void CalibrationMeter::add(const float* confidences, const uint8_t* correct, int64_t n) {
  DIGN_CHECK(n >= 0, "CalibrationMeter::add: n must be >= 0, got ", n);
  if (n == 0) {
    return;
  }
  DIGN_CHECK(confidences != nullptr && correct != nullptr,
             "CalibrationMeter::add: null data pointer for ", n, " predictions");

  // Batch statistics per bin by the corrected two-pass method, then one Chan
  // merge per bin: accurate, and no division per element. The batch
  // lives in scratch, so an invalid value leaves the meter untouched.
  std::vector<BinState> batch(bins_.size());
  for (int64_t i = 0; i < n; ++i) {
    check_confidence(confidences[i], i);
    const double c = confidences[i];
    BinState& bin = batch[static_cast<size_t>(bin_index(c))];
    if (bin.count == 0) {
      bin.min = c;
      bin.max = c;
    } else {
      bin.min = std::min(bin.min, c);
      bin.max = std::max(bin.max, c);
    }
    ++bin.count;
    bin.correct += correct[i] != 0 ? 1 : 0;
    bin.mean += c;  // sum for now
  }
  for (BinState& bin : batch) {
    if (bin.count > 0) {
      bin.mean /= static_cast<double>(bin.count);
    }
  }
  std::vector<double> drift(bins_.size(), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    const double c = confidences[i];
    const size_t k = static_cast<size_t>(bin_index(c));
    const double d = c - batch[k].mean;
    batch[k].m2 += d * d;
    drift[k] += d;
  }
  for (size_t k = 0; k < bins_.size(); ++k) {
    BinState& bin = batch[k];
    if (bin.count == 0) {
      continue;
    }
    // Corrected two-pass (Chan, Golub & LeVeque 1983): the residual sum of
    // deviations removes the rounding left in the batch mean.
    const double count = static_cast<double>(bin.count);
    bin.m2 = std::max(0.0, bin.m2 - drift[k] * drift[k] / count);
    bin.mean = std::clamp(bin.mean + drift[k] / count, bin.min, bin.max);
    combine(bins_[k], bin);
  }
}

void CalibrationMeter::add(float confidence, bool correct) {
  check_confidence(confidence, -1);
  const double c = confidence;
  BinState one;
  one.count = 1;
  one.correct = correct ? 1 : 0;
  one.mean = c;
  one.min = c;
  one.max = c;
  combine(bins_[static_cast<size_t>(bin_index(c))], one);
}

void CalibrationMeter::merge(const CalibrationMeter& other) {
  DIGN_CHECK(other.num_bins_ == num_bins_, "CalibrationMeter::merge: cannot merge a meter with ",
             other.num_bins_, " bins into one with ", num_bins_, " bins");
  const std::vector<BinState> from = other.bins_;  // copy: other may be *this
  for (size_t k = 0; k < bins_.size(); ++k) {
    combine(bins_[k], from[k]);
  }
}

namespace {

uint64_t bits_of(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

double from_bits(uint64_t bits) {
  double value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

constexpr size_t kWordsPerBin = 6;

}  // namespace

std::vector<uint64_t> CalibrationMeter::exact_state() const {
  std::vector<uint64_t> state;
  state.reserve(bins_.size() * kWordsPerBin);
  for (const BinState& b : bins_) {
    state.insert(state.end(), {static_cast<uint64_t>(b.count), static_cast<uint64_t>(b.correct),
                               bits_of(b.mean), bits_of(b.m2), bits_of(b.min), bits_of(b.max)});
  }
  return state;
}

void CalibrationMeter::restore_state(const std::vector<uint64_t>& state) {
  DIGN_CHECK(state.size() == bins_.size() * kWordsPerBin,
             "CalibrationMeter::restore_state: ", state.size(), " words for ", num_bins_,
             " bins; expected ", bins_.size() * kWordsPerBin);
  std::vector<BinState> bins(bins_.size());
  for (size_t k = 0; k < bins.size(); ++k) {
    const uint64_t* w = state.data() + k * kWordsPerBin;
    BinState& b = bins[k];
    b.count = static_cast<int64_t>(w[0]);
    b.correct = static_cast<int64_t>(w[1]);
    DIGN_CHECK(b.count >= 0 && b.correct >= 0 && b.correct <= b.count,
               "CalibrationMeter::restore_state: bin ", k, " has ", b.correct, " correct of ",
               b.count);
    b.mean = from_bits(w[2]);
    b.m2 = from_bits(w[3]);
    b.min = from_bits(w[4]);
    b.max = from_bits(w[5]);
  }
  bins_ = std::move(bins);
}

void CalibrationMeter::reset() {
  std::fill(bins_.begin(), bins_.end(), BinState{});
}

CalibrationResult CalibrationMeter::value() const {
  CalibrationResult result;
  result.num_bins = num_bins_;
  result.bins.resize(bins_.size());
  int64_t total = 0;
  int64_t total_correct = 0;
  const double bins = static_cast<double>(num_bins_);
  for (size_t k = 0; k < bins_.size(); ++k) {
    const BinState& state = bins_[k];
    CalibrationBin& bin = result.bins[k];
    bin.low = static_cast<double>(k) / bins;
    bin.high = static_cast<double>(k + 1) / bins;
    bin.count = state.count;
    if (state.count > 0) {
      const double count = static_cast<double>(state.count);
      bin.accuracy = static_cast<double>(state.correct) / count;
      bin.confidence = state.mean;
      // min == max: identical confidences, variance exactly 0. Insurance: a
      // batch sum of > 2^29 floats rounds, and a mean off by one ulp would
      // turn SH = infinity into a huge finite number.
      bin.variance = state.min == state.max ? 0.0 : std::max(0.0, state.m2 / count);
    }
    total += state.count;
    total_correct += state.correct;
  }
  result.count = total;
  if (total == 0) {
    result.sharpness_note = "no predictions";
    return result;
  }

  const double n = static_cast<double>(total);
  result.accuracy = static_cast<double>(total_correct) / n;
  double squared_error = 0.0;
  double weighted_variance = 0.0;
  for (const CalibrationBin& bin : result.bins) {
    if (bin.count == 0) {
      continue;  // empty bins contribute nothing
    }
    const double weight = static_cast<double>(bin.count) / n;  // |B_i| / n
    const double gap = bin.confidence - bin.accuracy;
    result.ece += weight * std::fabs(gap);
    squared_error += weight * gap * gap;
    result.oe += weight * bin.confidence * std::max(gap, 0.0);
    weighted_variance += weight * bin.variance;
  }
  result.rmse = std::sqrt(squared_error);
  if (weighted_variance > 0.0) {
    result.sharpness = 1.0 / std::sqrt(weighted_variance);
  } else {
    result.sharpness_note =
        "every non-empty bin has zero confidence variance; SH = 1/0 is "
        "unbounded";
  }
  return result;
}

std::string CalibrationMeter::binning_description(int64_t num_bins) {
  DIGN_CHECK(num_bins >= 1,
             "CalibrationMeter::binning_description: num_bins must be >= 1, "
             "got ",
             num_bins);
  const std::string b = std::to_string(num_bins);
  return detail::concat(
      num_bins, " equal-width bins of width 1/", b, " (",
      shortest(1.0 / static_cast<double>(num_bins)),
      ") over [0, 1] on the top-label confidence (max softmax probability): ", "bin k (k = 1..", b,
      ") holds confidences c with (k-1)/", b, " < c <= k/", b, ", and c = 0 is counted in bin 1; ",
      "metrics weight bin i by |B_i|/n and skip empty bins");
}

}  // namespace dign::metrics
