#include "metrics/accuracy.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace dign::metrics {
namespace {

TEST(AccuracyMeter, BinomialStandardErrorKnownAnswer) {
  // p = 25/100 = 0.25; SE = sqrt(0.25 * 0.75 / 100) = sqrt(0.001875)
  //                        = 0.0433012701892219...
  AccuracyMeter meter;
  meter.add(25, 100);
  EXPECT_DOUBLE_EQ(meter.value(), 0.25);
  EXPECT_NEAR(meter.standard_error(), 0.0433012701892219, 1e-15);
  EXPECT_EQ(meter.correct(), 25);
  EXPECT_EQ(meter.total(), 100);
}

TEST(AccuracyMeter, EmptyIsZero) {
  AccuracyMeter meter;
  EXPECT_EQ(meter.value(), 0.0);
  EXPECT_EQ(meter.standard_error(), 0.0);
  meter.add(0, 0);  // an empty batch is allowed
  EXPECT_EQ(meter.total(), 0);
}

TEST(AccuracyMeter, SinglePredictions) {
  // right, wrong, right -> 2/3; SE = sqrt((2/3)(1/3)/3) = sqrt(2/27)
  AccuracyMeter meter;
  meter.add(true);
  meter.add(false);
  meter.add(true);
  EXPECT_NEAR(meter.value(), 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(meter.standard_error(), std::sqrt(2.0 / 27.0), 1e-15);
}

TEST(AccuracyMeter, AllRightOrAllWrongHasZeroError) {
  AccuracyMeter right, wrong;
  right.add(50, 50);
  wrong.add(0, 50);
  EXPECT_EQ(right.value(), 1.0);
  EXPECT_EQ(right.standard_error(), 0.0);
  EXPECT_EQ(wrong.value(), 0.0);
  EXPECT_EQ(wrong.standard_error(), 0.0);
}

TEST(AccuracyMeter, MergeAddsCounts) {
  // (3 of 4) + (5 of 12) = 8 of 16 = 0.5
  AccuracyMeter a, b;
  a.add(3, 4);
  b.add(5, 12);
  a.merge(b);
  EXPECT_EQ(a.correct(), 8);
  EXPECT_EQ(a.total(), 16);
  EXPECT_DOUBLE_EQ(a.value(), 0.5);
  a.merge(a);  // self-merge doubles the counts
  EXPECT_EQ(a.total(), 32);
  EXPECT_DOUBLE_EQ(a.value(), 0.5);
}

TEST(AccuracyMeter, Reset) {
  AccuracyMeter meter;
  meter.add(3, 4);
  meter.reset();
  EXPECT_EQ(meter.total(), 0);
  EXPECT_EQ(meter.correct(), 0);
  EXPECT_EQ(meter.value(), 0.0);
}

TEST(AccuracyMeter, RejectsImpossibleCounts) {
  AccuracyMeter meter;
  EXPECT_THROW(meter.add(5, 4), Error);
  EXPECT_THROW(meter.add(-1, 4), Error);
  EXPECT_THROW(meter.add(0, -4), Error);
  try {
    meter.add(5, 4);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("correct 5, total 4"), std::string::npos) << e.what();
  }
  EXPECT_EQ(meter.total(), 0);  // nothing was accumulated
}

}  // namespace
}  // namespace dign::metrics
