#include "metrics/bootstrap.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "metrics/calibration.h"

namespace dign::metrics {
namespace {

TEST(BootstrapCounts, DrawNWithReplacementDeterministicallyPerSeedAndResample) {
  std::vector<uint32_t> a, b, c;
  bootstrap_counts(/*seed=*/7, /*resample=*/3, 1000, a);
  bootstrap_counts(7, 3, 1000, b);
  EXPECT_EQ(a, b);  // a pure function of (seed, resample, n)
  EXPECT_EQ(std::accumulate(a.begin(), a.end(), uint64_t{0}), 1000u);
  bootstrap_counts(7, 4, 1000, c);
  EXPECT_NE(a, c);
  bootstrap_counts(8, 3, 1000, c);
  EXPECT_NE(a, c);
  // About 1/e of the items are left out of a resample: (1 - 1/n)^n.
  const auto zeros = std::count(a.begin(), a.end(), 0u);
  EXPECT_NEAR(static_cast<double>(zeros) / 1000.0, std::exp(-1.0), 0.05);
}

TEST(BinSums, UnitWeightsGiveTheMetersFigures) {
  std::mt19937 gen(3);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> conf(5000);
  std::vector<uint8_t> correct(5000);
  for (size_t i = 0; i < conf.size(); ++i) {
    conf[i] = i % 50 == 0 ? 1.0f : (i % 77 == 0 ? 0.0f : u(gen));  // the edges too
    correct[i] = u(gen) < conf[i] ? 1 : 0;
  }
  CalibrationMeter meter(16);
  meter.add(conf.data(), correct.data(), 5000);
  const CalibrationResult expected = meter.value();
  const BinnedPredictions binned(conf.data(), correct.data(), 5000, 16);
  BinSums sums(16);
  binned.accumulate(nullptr, sums);
  const CalibrationStats got = sums.stats();
  EXPECT_DOUBLE_EQ(got.accuracy, expected.accuracy);
  EXPECT_NEAR(got.ece, expected.ece, 1e-12);
  EXPECT_NEAR(got.rmse, expected.rmse, 1e-12);
  EXPECT_NEAR(got.oe, expected.oe, 1e-12);
  ASSERT_TRUE(expected.sharpness.has_value());
  EXPECT_NEAR(got.sharpness, *expected.sharpness, 1e-9 * *expected.sharpness);
  for (size_t k = 0; k < 16; ++k) EXPECT_EQ(sums.count[k], expected.bins[k].count) << k;
}

TEST(BinSums, WeightsCountAnItemThatManyTimes) {
  // Weights (2, 0, 1) = the items (a, a, c).
  const std::vector<float> conf = {0.9f, 0.2f, 0.6f};
  const std::vector<uint8_t> correct = {1, 0, 0};
  const std::vector<uint32_t> counts = {2, 0, 1};
  BinSums weighted(16), repeated(16);
  BinnedPredictions(conf.data(), correct.data(), 3, 16).accumulate(counts.data(), weighted);
  const std::vector<float> conf2 = {0.9f, 0.9f, 0.6f};
  const std::vector<uint8_t> correct2 = {1, 1, 0};
  BinnedPredictions(conf2.data(), correct2.data(), 3, 16).accumulate(nullptr, repeated);
  const auto a = weighted.stats(), b = repeated.stats();
  EXPECT_DOUBLE_EQ(a.accuracy, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(a.accuracy, b.accuracy);
  EXPECT_DOUBLE_EQ(a.ece, b.ece);
  EXPECT_DOUBLE_EQ(a.rmse, b.rmse);
  // Every non-empty bin holds one value (or copies of it): SH = 1/0 is undefined, NaN.
  EXPECT_TRUE(std::isnan(a.sharpness));
  EXPECT_TRUE(std::isnan(BinSums(16).stats().accuracy));  // no predictions
}

TEST(PercentileInterval, QuantilesByLinearInterpolationNanLeftOut) {
  std::vector<double> x(101);
  std::iota(x.begin(), x.end(), 0.0);  // 0..100: quantile p is 100 p
  x.push_back(std::nan(""));
  const auto ci = percentile_interval(x);
  ASSERT_TRUE(ci.has_value());
  EXPECT_NEAR(ci->low, 2.5, 1e-12);
  EXPECT_NEAR(ci->high, 97.5, 1e-12);
  EXPECT_FALSE(percentile_interval({std::nan("")}).has_value());
  const auto same = percentile_interval({0.0, 0.0, 0.0});
  EXPECT_EQ(same->low, 0.0);
  EXPECT_EQ(same->high, 0.0);
}

TEST(Bootstrap, AccuracyIntervalMatchesTheBinomialClosedForm) {
  // n = 10000 predictions, 3000 correct: the percentile interval approaches
  // p +- 1.96 sqrt(p (1 - p) / n) = 0.3 +- 0.008982. With B = 2000 resamples the quantiles'
  // Monte Carlo error is about 0.06 standard errors (0.0003); the draws are fixed by the seed.
  const int64_t n = 10000;
  std::vector<float> conf(n, 0.5f);
  std::vector<uint8_t> correct(n, 0);
  for (int64_t i = 0; i < n; i += 10) std::fill_n(correct.begin() + i, 3, 1);
  const BinnedPredictions binned(conf.data(), correct.data(), n, 16);
  std::vector<double> accuracy;
  std::vector<uint32_t> counts;
  for (int64_t b = 0; b < 2000; ++b) {
    bootstrap_counts(/*seed=*/0, b, n, counts);
    BinSums sums(16);
    binned.accumulate(counts.data(), sums);
    accuracy.push_back(sums.stats().accuracy);
  }
  const auto ci = percentile_interval(accuracy);
  const double half = 1.96 * std::sqrt(0.3 * 0.7 / n);
  EXPECT_NEAR(ci->low, 0.3 - half, 0.001);
  EXPECT_NEAR(ci->high, 0.3 + half, 0.001);
  // Known only by its count (robust accuracy): the same interval.
  const auto from_count = percentile_interval(bootstrap_proportion(3000, n, 0, 2000));
  EXPECT_NEAR(from_count->low, 0.3 - half, 0.001);
  EXPECT_NEAR(from_count->high, 0.3 + half, 0.001);
}

}  // namespace
}  // namespace dign::metrics
