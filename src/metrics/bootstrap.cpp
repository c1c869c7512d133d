#include "metrics/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/rng.h"

namespace dign::metrics {

void bootstrap_counts(uint64_t seed, int64_t resample, int64_t n, std::vector<uint32_t>& counts) {
  DIGN_CHECK(n >= 0 && n < (int64_t{1} << 32), "bootstrap_counts: n must be in [0, 2^32), got ", n);
  counts.assign(static_cast<size_t>(n), 0);
  SampleRng rng(derive_seed(seed, {purpose_tag("bootstrap"), static_cast<uint64_t>(resample)}));
  for (int64_t j = 0; j < n; ++j) ++counts[rng.below(static_cast<uint64_t>(n))];
}

std::vector<double> bootstrap_proportion(int64_t correct, int64_t n, uint64_t seed,
                                         int64_t resamples) {
  DIGN_CHECK(correct >= 0 && correct <= n, "bootstrap_proportion: ", correct, " correct out of ",
             n);
  std::vector<double> out;
  if (n == 0) return out;
  std::vector<uint32_t> counts;
  for (int64_t b = 0; b < resamples; ++b) {
    bootstrap_counts(seed, b, n, counts);
    uint64_t drawn = 0;
    for (int64_t i = 0; i < correct; ++i) drawn += counts[static_cast<size_t>(i)];
    out.push_back(static_cast<double>(drawn) / static_cast<double>(n));
  }
  return out;
}

// CalibrationMeter::bin_index, the same rule on the same double edges.
int64_t calibration_bin(double confidence, int64_t bins) {
  if (confidence <= 0.0) return 0;
  const double b = static_cast<double>(bins);
  int64_t index = static_cast<int64_t>(std::ceil(confidence * b)) - 1;
  index = std::clamp<int64_t>(index, 0, bins - 1);
  while (index > 0 && confidence <= static_cast<double>(index) / b) --index;
  while (index < bins - 1 && confidence > static_cast<double>(index + 1) / b) ++index;
  return index;
}

namespace {
double midpoint(int64_t k, int64_t bins) {
  return (static_cast<double>(k) + 0.5) / static_cast<double>(bins);
}
}  // namespace

BinSums::BinSums(int64_t bins)
    : count(static_cast<size_t>(bins)),
      correct(static_cast<size_t>(bins)),
      deviation(static_cast<size_t>(bins)),
      deviation_squared(static_cast<size_t>(bins)) {
  DIGN_CHECK(bins >= 1, "BinSums: bins must be >= 1, got ", bins);
}

void BinSums::merge(const BinSums& other) {
  DIGN_CHECK(other.count.size() == count.size(), "BinSums::merge: ", other.count.size(),
             " bins into ", count.size());
  for (size_t k = 0; k < count.size(); ++k) {
    count[k] += other.count[k];
    correct[k] += other.correct[k];
    deviation[k] += other.deviation[k];
    deviation_squared[k] += other.deviation_squared[k];
  }
}

void BinSums::clear() {
  for (auto* v : {&count, &correct, &deviation, &deviation_squared}) {
    std::fill(v->begin(), v->end(), 0.0);
  }
}

CalibrationStats BinSums::stats() const {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  double n = 0, right = 0;
  for (size_t k = 0; k < count.size(); ++k) {
    n += count[k];
    right += correct[k];
  }
  if (n <= 0) return {nan, nan, nan, nan, nan};
  CalibrationStats s;
  s.accuracy = right / n;
  double squared_error = 0, weighted_variance = 0;
  const int64_t bins = static_cast<int64_t>(count.size());
  for (int64_t k = 0; k < bins; ++k) {
    const double c = count[static_cast<size_t>(k)];
    if (c <= 0) continue;  // empty bins contribute nothing
    const double mean_dev = deviation[static_cast<size_t>(k)] / c;
    const double mean_dev2 = deviation_squared[static_cast<size_t>(k)] / c;
    const double accuracy = correct[static_cast<size_t>(k)] / c;
    const double confidence = midpoint(k, bins) + mean_dev;
    // Identical confidences leave only rounding (a few ulps of E[d^2]): variance 0, as the
    // meter's min == max rule makes it.
    double variance = mean_dev2 - mean_dev * mean_dev;
    if (variance <= 8 * std::numeric_limits<double>::epsilon() * mean_dev2) variance = 0;
    const double weight = c / n;
    const double gap = confidence - accuracy;
    s.ece += weight * std::fabs(gap);
    squared_error += weight * gap * gap;
    s.oe += weight * confidence * std::max(gap, 0.0);
    weighted_variance += weight * variance;
  }
  s.rmse = std::sqrt(squared_error);
  s.sharpness = weighted_variance > 0 ? 1.0 / std::sqrt(weighted_variance) : nan;
  return s;
}

BinnedPredictions::BinnedPredictions(const float* confidence, const uint8_t* correct, int64_t n,
                                     int64_t bins)
    : bins_(bins) {
  DIGN_CHECK(bins >= 1 && bins <= 65535, "BinnedPredictions: bins must be in [1, 65535], got ",
             bins);
  DIGN_CHECK(n >= 0, "BinnedPredictions: n must be >= 0, got ", n);
  bin_.resize(static_cast<size_t>(n));
  confidence_.assign(confidence, confidence + n);
  for (int64_t k = 0; k < bins; ++k) midpoint_.push_back(midpoint(k, bins));
  correct_.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const double c = confidence[i];
    DIGN_CHECK(c >= 0.0 && c <= 1.0, "BinnedPredictions: confidence ", c, " at index ", i,
               " is outside [0, 1]");
    const int64_t k = calibration_bin(c, bins);
    bin_[static_cast<size_t>(i)] = static_cast<uint16_t>(k);
    correct_[static_cast<size_t>(i)] = correct[i] != 0 ? 1 : 0;
  }
}

void BinnedPredictions::accumulate(const uint32_t* counts, BinSums& sums) const {
  DIGN_CHECK(static_cast<int64_t>(sums.count.size()) == bins_,
             "BinnedPredictions::accumulate: ", sums.count.size(), " bins, expected ", bins_);
  const size_t n = bin_.size();
  for (size_t i = 0; i < n; ++i) {
    const double w = counts != nullptr ? counts[i] : 1.0;
    if (w == 0) continue;
    const size_t k = bin_[i];
    const double d = static_cast<double>(confidence_[i]) - midpoint_[k];
    sums.count[k] += w;
    sums.correct[k] += w * correct_[i];
    sums.deviation[k] += w * d;
    sums.deviation_squared[k] += w * d * d;
  }
}

std::optional<Interval> percentile_interval(std::vector<double> samples, double level) {
  DIGN_CHECK(level > 0 && level < 1, "percentile_interval: level must be in (0, 1), got ", level);
  samples.erase(
      std::remove_if(samples.begin(), samples.end(), [](double x) { return !std::isfinite(x); }),
      samples.end());
  if (samples.empty()) return std::nullopt;
  std::sort(samples.begin(), samples.end());
  auto quantile = [&](double p) {
    const double h = static_cast<double>(samples.size() - 1) * p;
    const size_t lo = static_cast<size_t>(std::floor(h));
    const size_t hi = std::min(lo + 1, samples.size() - 1);
    return samples[lo] + (h - static_cast<double>(lo)) * (samples[hi] - samples[lo]);
  };
  const double tail = (1.0 - level) / 2.0;
  return Interval{quantile(tail), quantile(1.0 - tail)};
}

}  // namespace dign::metrics
