#include "augment/pad.h"

#include <gtest/gtest.h>

#include <vector>

#include "augment/augment_test_util.h"
#include "test_util.h"

namespace dign::augment {
namespace {

using augment::testing::draws_of;

TEST(AugmentPad, AddsZerosOnEachSide) {
  // 1x2 image [a | b], a = (1,2,3), b = (4,5,6); left 1, top 1, bottom 1 -> 3x3:
  //   0 0 0 / 0 a b / 0 0 0
  const std::vector<uint8_t> bytes = {1, 2, 3, 4, 5, 6};
  const Pad pad(PadOptions().left(1).top(1).bottom(1));
  Image image = from_uint8(bytes.data(), 1, 2);
  SampleRng rng(0);
  pad.apply(image, rng);
  ASSERT_EQ(image.height(), 3);
  ASSERT_EQ(image.width(), 3);
  std::vector<uint8_t> want(27, 0);
  for (int c = 0; c < 3; ++c) {
    want[(1 * 3 + 1) * 3 + c] = bytes[c];
    want[(1 * 3 + 2) * 3 + c] = bytes[3 + c];
  }
  EXPECT_EQ(image.bytes(), want);
  EXPECT_EQ(draws_of(pad, from_uint8(bytes.data(), 1, 2), 0), 0);
}

TEST(AugmentPad, FloatsPadWithZeros) {
  Image image(1, 1, std::vector<float>{0.5f, 0.25f, 1.0f});
  SampleRng rng(0);
  Pad(PadOptions().right(1)).apply(image, rng);
  EXPECT_EQ(image.floats(), (std::vector<float>{0.5f, 0.25f, 1.0f, 0.0f, 0.0f, 0.0f}));
}

TEST(AugmentPad, NegativePaddingIsAnError) {
  const auto message = dign::testing::error_of([] { Pad(PadOptions().bottom(-2)); });
  EXPECT_TRUE(dign::testing::contains(message, "bottom must be >= 0, got -2")) << message;
}

}  // namespace
}  // namespace dign::augment
