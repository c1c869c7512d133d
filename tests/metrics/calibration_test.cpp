#include "metrics/calibration.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "test_util.h"

namespace dign::metrics {
namespace {
using dign::testing::error_of;

constexpr double kTight = 1e-12;

CalibrationResult feed(const std::vector<float>& confidences, const std::vector<uint8_t>& correct,
                       int64_t num_bins = 16) {
  CalibrationMeter meter(num_bins);
  meter.add(confidences.data(), correct.data(), static_cast<int64_t>(confidences.size()));
  return meter.value();
}

// Which bin holds the (single) non-empty count.
int64_t only_bin(const CalibrationResult& r) {
  int64_t found = -1;
  for (size_t k = 0; k < r.bins.size(); ++k) {
    if (r.bins[k].count > 0) {
      EXPECT_EQ(found, -1) << "more than one non-empty bin";
      found = static_cast<int64_t>(k);
    }
  }
  return found;
}

// The dign::Error message of `f`; a call that throws nothing fails the test.
std::string error_message(const std::function<void()>& f) {
  std::string message = error_of(f);
  if (message == "<no error>") {
    ADD_FAILURE() << "expected dign::Error";
    return "";
  }
  return message;
}

TEST(CalibrationMeter, KnownAnswerTwoBinsEqualWeight) {
  // 16 bins of width 1/16; all values are exact in float.
  // Bin 8 (0.5, 0.5625]:   c = 0.53125 right, c = 0.5625 (edge) right
  //   acc = 1, conf = 0.546875, var = 0.015625^2 = 0.000244140625
  // Bin 15 (0.9375, 1]:    c = 0.96875 wrong, c = 1.0 right
  //   acc = 0.5, conf = 0.984375, var = 0.015625^2 = 0.000244140625
  // n = 4, each bin weight 2/4 = 0.5.
  // ECE  = 0.5 * |1 - 0.546875| + 0.5 * |0.5 - 0.984375|
  //      = 0.5 * 0.453125 + 0.5 * 0.484375 = 0.46875
  // RMSE = sqrt(0.5 * 0.453125^2 + 0.5 * 0.484375^2)
  //      = sqrt(0.5 * 0.205322265625 + 0.5 * 0.234619140625)
  //      = sqrt(0.219970703125)
  // OE   = 0.5 * 0.546875 * max(-0.453125, 0) + 0.5 * 0.984375 * 0.484375
  //      = 0 + 0.2384033203125
  // SH   = 1 / sqrt(0.5 * 0.000244140625 * 2) = 1 / 0.015625 = 64
  const CalibrationResult r = feed({0.53125f, 0.5625f, 0.96875f, 1.0f}, {1, 1, 0, 1});
  EXPECT_EQ(r.count, 4);
  EXPECT_EQ(r.num_bins, 16);
  EXPECT_NEAR(r.accuracy, 0.75, kTight);
  ASSERT_EQ(r.bins.size(), 16u);
  EXPECT_EQ(r.bins[8].count, 2);
  EXPECT_NEAR(r.bins[8].accuracy, 1.0, kTight);
  EXPECT_NEAR(r.bins[8].confidence, 0.546875, kTight);
  EXPECT_NEAR(r.bins[8].variance, 0.000244140625, kTight);
  EXPECT_EQ(r.bins[15].count, 2);
  EXPECT_NEAR(r.bins[15].accuracy, 0.5, kTight);
  EXPECT_NEAR(r.bins[15].confidence, 0.984375, kTight);
  EXPECT_NEAR(r.bins[15].variance, 0.000244140625, kTight);
  EXPECT_NEAR(r.ece, 0.46875, kTight);
  EXPECT_NEAR(r.rmse, std::sqrt(0.219970703125), kTight);
  EXPECT_NEAR(r.oe, 0.2384033203125, kTight);
  ASSERT_TRUE(r.sharpness.has_value());
  EXPECT_NEAR(*r.sharpness, 64.0, 1e-9);
  EXPECT_TRUE(r.sharpness_note.empty());
}

TEST(CalibrationMeter, KnownAnswerUnequalWeights) {
  // Bin 4 (0.25, 0.3125]:  c = 0.28125 wrong -> acc 0, conf 0.28125, var 0
  // Bin 11 (0.6875, 0.75]: c = 0.71875 right, 0.71875 right, 0.75 (edge) wrong
  //   acc = 2/3, conf = 2.1875 / 3, conf - acc = 0.1875 / 3 = 0.0625
  //   deviations 1/96, 1/96, 2/96 -> var = (1 + 1 + 4) / 9216 / 3 = 1/4608
  // Weights 1/4 and 3/4.
  // ECE  = 0.25 * 0.28125 + 0.75 * 0.0625 = 0.0703125 + 0.046875 = 0.1171875
  // RMSE = sqrt(0.25 * 0.0791015625 + 0.75 * 0.00390625) = sqrt(0.022705078125)
  // OE   = 0.25 * 0.28125 * 0.28125 + 0.75 * (2.1875/3) * 0.0625
  //      = 0.019775390625 + 0.0341796875 = 0.053955078125
  // SH   = 1 / sqrt(0.25 * 0 + 0.75 / 4608) = sqrt(6144)
  const CalibrationResult r = feed({0.71875f, 0.28125f, 0.75f, 0.71875f}, {1, 0, 0, 1});
  EXPECT_EQ(r.bins[4].count, 1);
  EXPECT_EQ(r.bins[11].count, 3);
  EXPECT_NEAR(r.bins[11].accuracy, 2.0 / 3.0, kTight);
  EXPECT_NEAR(r.bins[11].confidence, 2.1875 / 3.0, kTight);
  EXPECT_NEAR(r.bins[11].variance, 1.0 / 4608.0, kTight);
  EXPECT_NEAR(r.ece, 0.1171875, kTight);
  EXPECT_NEAR(r.rmse, std::sqrt(0.022705078125), kTight);
  EXPECT_NEAR(r.oe, 0.053955078125, kTight);
  ASSERT_TRUE(r.sharpness.has_value());
  EXPECT_NEAR(*r.sharpness, std::sqrt(6144.0), 1e-9);
}

TEST(CalibrationMeter, EmptyBinsAreZeroAndReportTheirEdges) {
  const CalibrationResult r = feed({0.53125f, 0.96875f}, {1, 0});
  for (size_t k = 0; k < r.bins.size(); ++k) {
    EXPECT_NEAR(r.bins[k].low, static_cast<double>(k) / 16.0, kTight);
    EXPECT_NEAR(r.bins[k].high, static_cast<double>(k + 1) / 16.0, kTight);
    if (k != 8 && k != 15) {
      EXPECT_EQ(r.bins[k].count, 0);
      EXPECT_EQ(r.bins[k].accuracy, 0.0);
      EXPECT_EQ(r.bins[k].confidence, 0.0);
      EXPECT_EQ(r.bins[k].variance, 0.0);
    }
  }
  // Only the two filled bins count: ECE = 0.5 * (1 - 0.53125) + 0.5 * 0.96875
  EXPECT_NEAR(r.ece, 0.5 * 0.46875 + 0.5 * 0.96875, kTight);
}

TEST(CalibrationMeter, AllCorrectUnderconfidentHasNoOverconfidence) {
  // 0.75 -> bin 11, 0.875 -> bin 13, both right: gaps -0.25 and -0.125.
  // ECE = 0.5 * 0.25 + 0.5 * 0.125 = 0.1875; RMSE = sqrt(0.5 * 0.0625 + 0.5 *
  // 0.015625) = sqrt(0.0390625); OE = 0 (never overconfident).
  const CalibrationResult r = feed({0.75f, 0.875f}, {1, 1});
  EXPECT_NEAR(r.accuracy, 1.0, kTight);
  EXPECT_NEAR(r.ece, 0.1875, kTight);
  EXPECT_NEAR(r.rmse, std::sqrt(0.0390625), kTight);
  EXPECT_EQ(r.oe, 0.0);
  // One prediction per bin: zero variance everywhere, SH unbounded.
  EXPECT_FALSE(r.sharpness.has_value());
}

TEST(CalibrationMeter, AllWrong) {
  // Gaps 0.75 and 0.875. ECE = 0.5 * 0.75 + 0.5 * 0.875 = 0.8125;
  // RMSE = sqrt(0.5 * 0.5625 + 0.5 * 0.765625) = sqrt(0.6640625);
  // OE = 0.5 * 0.75 * 0.75 + 0.5 * 0.875 * 0.875 = 0.6640625.
  const CalibrationResult r = feed({0.75f, 0.875f}, {0, 0});
  EXPECT_EQ(r.accuracy, 0.0);
  EXPECT_NEAR(r.ece, 0.8125, kTight);
  EXPECT_NEAR(r.rmse, std::sqrt(0.6640625), kTight);
  EXPECT_NEAR(r.oe, 0.6640625, kTight);
}

TEST(CalibrationMeter, BinEdges) {
  EXPECT_EQ(only_bin(feed({0.0f}, {0})), 0);     // exactly 0: first bin
  EXPECT_EQ(only_bin(feed({1.0f}, {1})), 15);    // exactly 1: last bin
  EXPECT_EQ(only_bin(feed({0.0625f}, {1})), 0);  // (0, 0.0625]
  EXPECT_EQ(only_bin(feed({std::nextafter(0.0625f, 1.0f)}, {1})), 1);
  EXPECT_EQ(only_bin(feed({std::numeric_limits<float>::denorm_min()}, {1})), 0);
  const CalibrationResult half = feed({0.5f}, {1});
  ASSERT_EQ(only_bin(half), 7);  // 0.5 lands in (0.4375, 0.5]
  EXPECT_EQ(half.bins[7].low, 0.4375);
  EXPECT_EQ(half.bins[7].high, 0.5);
  EXPECT_EQ(only_bin(feed({std::nextafter(0.5f, 1.0f)}, {1})), 8);
  EXPECT_EQ(only_bin(feed({std::nextafter(0.5f, 0.0f)}, {1})), 7);
}

TEST(CalibrationMeter, EveryConfidenceLandsInsideItsReportedBin) {
  // Non-dyadic bin counts: c * B rounds, the index must still honour the
  // reported edges (low, high] exactly (float c compared in double).
  for (int64_t num_bins : {3, 10, 15, 16, 100}) {
    for (int i = 0; i <= 1000; ++i) {
      const float c = static_cast<float>(i) / 1000.0f;
      CalibrationMeter meter(num_bins);
      meter.add(c, true);
      const CalibrationResult r = meter.value();
      const int64_t k = only_bin(r);
      ASSERT_GE(k, 0);
      const CalibrationBin& bin = r.bins[static_cast<size_t>(k)];
      if (c == 0.0f) {
        EXPECT_EQ(k, 0);
      } else {
        EXPECT_LT(bin.low, static_cast<double>(c)) << num_bins << " " << c;
        EXPECT_LE(static_cast<double>(c), bin.high) << num_bins << " " << c;
      }
    }
  }
}

TEST(CalibrationMeter, NoPredictions) {
  CalibrationMeter meter;
  meter.add(nullptr, nullptr, 0);
  const CalibrationResult r = meter.value();
  EXPECT_EQ(r.count, 0);
  EXPECT_EQ(r.accuracy, 0.0);
  EXPECT_EQ(r.ece, 0.0);
  EXPECT_EQ(r.rmse, 0.0);
  EXPECT_EQ(r.oe, 0.0);
  EXPECT_FALSE(r.sharpness.has_value());
  EXPECT_EQ(r.sharpness_note, "no predictions");
  EXPECT_EQ(r.bins.size(), 16u);
}

TEST(CalibrationMeter, IdenticalConfidencesGiveUnboundedSharpness) {
  // Same 0.7f (not dyadic) through every path: one batch, single adds, and
  // batches of different sizes merged. Each must give a variance of exactly
  // 0, so SH is reported as unbounded, not as a huge finite number.
  const std::vector<float> c(1001, 0.7f);
  const std::vector<uint8_t> right(1001, 1);
  CalibrationMeter batch;
  batch.add(c.data(), right.data(), 1001);
  CalibrationMeter single;
  for (float x : c) {
    single.add(x, true);
  }
  CalibrationMeter merged, part;
  merged.add(c.data(), right.data(), 7);
  part.add(c.data(), right.data(), 994);
  merged.merge(part);
  for (const CalibrationResult& r : {batch.value(), single.value(), merged.value()}) {
    EXPECT_EQ(r.count, 1001);
    EXPECT_EQ(r.bins[11].variance, 0.0);  // 0.7 is in (0.6875, 0.75]
    EXPECT_FALSE(r.sharpness.has_value());
    EXPECT_EQ(r.sharpness_note,
              "every non-empty bin has zero confidence variance; SH = 1/0 is "
              "unbounded");
    EXPECT_NEAR(r.ece, 1.0 - static_cast<double>(0.7f), kTight);
  }
}

void expect_same(const CalibrationResult& a, const CalibrationResult& b) {
  EXPECT_EQ(a.count, b.count);
  EXPECT_NEAR(a.accuracy, b.accuracy, kTight);
  EXPECT_NEAR(a.ece, b.ece, kTight);
  EXPECT_NEAR(a.rmse, b.rmse, kTight);
  EXPECT_NEAR(a.oe, b.oe, kTight);
  ASSERT_EQ(a.sharpness.has_value(), b.sharpness.has_value());
  if (a.sharpness) {
    EXPECT_NEAR(*a.sharpness, *b.sharpness, kTight * *a.sharpness);
  }
  ASSERT_EQ(a.bins.size(), b.bins.size());
  for (size_t k = 0; k < a.bins.size(); ++k) {
    EXPECT_EQ(a.bins[k].count, b.bins[k].count);
    EXPECT_NEAR(a.bins[k].accuracy, b.bins[k].accuracy, kTight);
    EXPECT_NEAR(a.bins[k].confidence, b.bins[k].confidence, kTight);
    EXPECT_NEAR(a.bins[k].variance, b.bins[k].variance, kTight);
  }
}

TEST(CalibrationMeter, MergeEqualsOneMeterFedEverything) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  std::bernoulli_distribution coin(0.7);
  std::vector<float> c(10000);
  std::vector<uint8_t> right(c.size());
  for (size_t i = 0; i < c.size(); ++i) {
    c[i] = uniform(rng);
    right[i] = coin(rng) ? 1 : 0;
  }
  CalibrationMeter all;
  all.add(c.data(), right.data(), static_cast<int64_t>(c.size()));

  // Three workers: two batches, one by single adds, merged in some order.
  CalibrationMeter a, b, d;
  a.add(c.data(), right.data(), 3000);
  b.add(c.data() + 3000, right.data() + 3000, 4000);
  for (size_t i = 7000; i < c.size(); ++i) {
    d.add(c[i], right[i] != 0);
  }
  d.merge(a);
  d.merge(b);
  expect_same(all.value(), d.value());

  // Merging a meter into itself doubles every count, same metrics.
  CalibrationMeter twice = all;
  twice.merge(twice);
  const CalibrationResult doubled = twice.value();
  EXPECT_EQ(doubled.count, 2 * all.value().count);
  EXPECT_NEAR(doubled.ece, all.value().ece, kTight);
  EXPECT_NEAR(*doubled.sharpness, *all.value().sharpness, 1e-9);
}

TEST(CalibrationMeter, MergeRejectsDifferentBinCounts) {
  CalibrationMeter a(16), b(15);
  const std::string message = error_message([&] { a.merge(b); });
  EXPECT_NE(message.find("15"), std::string::npos) << message;
  EXPECT_NE(message.find("16"), std::string::npos) << message;
}

TEST(CalibrationMeter, InvalidConfidenceThrowsNamingTheValue) {
  CalibrationMeter meter;
  std::string m = error_message([&] { meter.add(1.5f, true); });
  EXPECT_NE(m.find("1.5"), std::string::npos) << m;
  m = error_message([&] { meter.add(-0.1f, true); });
  EXPECT_NE(m.find("-0.1 "), std::string::npos) << m;
  m = error_message([&] { meter.add(std::numeric_limits<float>::quiet_NaN(), true); });
  EXPECT_NE(m.find("nan"), std::string::npos) << m;
  m = error_message([&] { meter.add(std::nextafter(1.0f, 2.0f), true); });
  EXPECT_NE(m.find("1.0000001"), std::string::npos) << m;

  // In a batch the index is named and nothing is accumulated.
  const std::vector<float> c = {0.5f, 0.9f, 1.5f};
  const std::vector<uint8_t> right = {1, 1, 1};
  m = error_message([&] { meter.add(c.data(), right.data(), 3); });
  EXPECT_NE(m.find("1.5 at index 2"), std::string::npos) << m;
  EXPECT_EQ(meter.value().count, 0);
}

TEST(CalibrationMeter, RejectsBadArguments) {
  EXPECT_THROW(CalibrationMeter(0), Error);
  EXPECT_THROW(CalibrationMeter::binning_description(0), Error);
  CalibrationMeter meter;
  EXPECT_THROW(meter.add(nullptr, nullptr, -1), Error);
  EXPECT_THROW(meter.add(nullptr, nullptr, 2), Error);
}

TEST(CalibrationMeter, ResetForgetsEverything) {
  CalibrationMeter meter;
  meter.add(0.9f, false);
  meter.reset();
  EXPECT_EQ(meter.value().count, 0);
  meter.add(0.75f, true);
  EXPECT_NEAR(meter.value().ece, 0.25, kTight);
}

TEST(CalibrationMeter, BinningDescriptionStatesTheRule) {
  EXPECT_EQ(CalibrationMeter().num_bins(), 16);
  const std::string d = CalibrationMeter::binning_description(16);
  EXPECT_NE(d.find("16 equal-width bins"), std::string::npos) << d;
  EXPECT_NE(d.find("0.0625"), std::string::npos) << d;
  EXPECT_NE(d.find("(k-1)/16 < c <= k/16"), std::string::npos) << d;
  EXPECT_NE(d.find("c = 0 is counted in bin 1"), std::string::npos) << d;
}

TEST(CalibrationMeter, VarianceIsStableNearOne) {
  // 1e6 confidences 0.9999f + k ulp, k uniform in [0, 200]: variance ~1e-11
  // on values ~1, where E[c^2] - E[c]^2 cancels almost every digit.
  constexpr int64_t kN = 1000000;
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> steps(0, 200);
  std::vector<float> c(kN);
  std::vector<uint8_t> right(kN, 1);
  for (float& x : c) {
    x = 0.9999f;
    for (int s = steps(rng); s > 0; --s) {
      x = std::nextafter(x, 1.0f);
    }
  }
  // Reference: two-pass in long double.
  long double sum = 0.0L;
  for (float x : c) {
    sum += x;
  }
  const long double mean = sum / kN;
  long double squares = 0.0L;
  for (float x : c) {
    squares += (x - mean) * (x - mean);
  }
  const double expected = static_cast<double>(squares / kN);
  ASSERT_GT(expected, 1e-12);

  // The test can fail: the naive one-pass formula is far off here.
  double s1 = 0.0, s2 = 0.0;
  for (float x : c) {
    s1 += x;
    s2 += static_cast<double>(x) * x;
  }
  const double naive = s2 / kN - (s1 / kN) * (s1 / kN);
  EXPECT_GT(std::fabs(naive - expected) / expected, 1e-6);

  CalibrationMeter batch, single, split;
  batch.add(c.data(), right.data(), kN);
  for (float x : c) {
    single.add(x, true);
  }
  for (int64_t start = 0; start < kN; start += 4096) {
    CalibrationMeter worker;
    worker.add(c.data() + start, right.data() + start, std::min<int64_t>(4096, kN - start));
    split.merge(worker);
  }
  for (const CalibrationMeter* meter : {&batch, &single, &split}) {
    const CalibrationResult r = meter->value();
    ASSERT_EQ(r.bins[15].count, kN);
    EXPECT_NEAR(r.bins[15].variance, expected, 1e-9 * expected);
    EXPECT_NEAR(r.bins[15].confidence, static_cast<double>(mean), 1e-15);
    ASSERT_TRUE(r.sharpness.has_value());
    EXPECT_NEAR(*r.sharpness, 1.0 / std::sqrt(expected), 1e-9 / std::sqrt(expected));
  }
}

}  // namespace
}  // namespace dign::metrics
