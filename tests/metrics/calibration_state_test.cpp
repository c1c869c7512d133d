// CalibrationMeter's exact state: a meter restored from it continues with the same bits as the
// meter it came from, and a state that cannot be a meter's is refused.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "core/error.h"
#include "metrics/calibration.h"
#include "test_util.h"

namespace dign::metrics {
namespace {
using dign::testing::contains;
using dign::testing::error_of;

void add_random(CalibrationMeter& meter, std::mt19937& rng, int n) {
  std::uniform_real_distribution<float> confidence(0.3f, 1.0f);
  std::bernoulli_distribution correct(0.7);
  for (int i = 0; i < n; ++i) meter.add(confidence(rng), correct(rng));
}

TEST(CalibrationState, ARestoredMeterContinuesWithTheSameBits) {
  std::mt19937 rng(7);
  CalibrationMeter original(16);
  add_random(original, rng, 300);
  CalibrationMeter restored(16);
  add_random(restored, rng, 5);  // whatever it held is replaced
  restored.restore_state(original.exact_state());
  EXPECT_EQ(restored.exact_state(), original.exact_state());
  // The bins below 0.3 are empty: their zero placeholders come back as they were.
  EXPECT_EQ(restored.value().bins[0].count, 0);
  std::mt19937 a(11), b(11);
  add_random(original, a, 200);
  add_random(restored, b, 200);
  const CalibrationResult x = original.value(), y = restored.value();
  EXPECT_EQ(std::memcmp(&x.rmse, &y.rmse, sizeof(double)), 0);
  EXPECT_EQ(std::memcmp(&x.ece, &y.ece, sizeof(double)), 0);
  EXPECT_EQ(x.sharpness, y.sharpness);
  EXPECT_EQ(restored.exact_state(), original.exact_state());
  EXPECT_EQ(original.exact_state().size(), 16u * 6u);
}

TEST(CalibrationState, AStateOfOtherBinsOrImpossibleCountsIsRefused) {
  CalibrationMeter meter(4);
  meter.add(0.9f, true);
  const std::vector<uint64_t> before = meter.exact_state();
  EXPECT_TRUE(contains(error_of([&] { meter.restore_state(CalibrationMeter(16).exact_state()); }),
                       "96 words for 4 bins; expected 24"));
  std::vector<uint64_t> state = before;
  state[6 * 3 + 1] = 5;  // bin 3: 5 correct of 1
  EXPECT_TRUE(contains(error_of([&] { meter.restore_state(state); }), "bin 3 has 5 correct of 1"));
  EXPECT_EQ(meter.exact_state(), before);  // unchanged by a refused state
}

}  // namespace
}  // namespace dign::metrics
