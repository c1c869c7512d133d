#include "augment/random_rotation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "augment/augment_test_util.h"
#include "test_util.h"

namespace dign::augment {
namespace {

using augment::testing::draws_of;
using augment::testing::ramp;
using augment::testing::transformed;

std::vector<float> unchanged(const std::vector<uint8_t>& img, int64_t side) {
  std::vector<float> out(static_cast<size_t>(3 * side * side));
  uint8_to_float_chw(img.data(), side, side, out.data());
  return out;
}

TEST(RandomRotation, SmallRotationKeepsTheCentre) {
  const auto img = ramp(9);
  const auto out = transformed(RandomRotation(), img, 9, 9, 5);
  EXPECT_FLOAT_EQ(out[4 * 9 + 4], img[(4 * 9 + 4) * 3] / 255.0f);
}

TEST(RandomRotation, TwoDegreesMovesNoPixelOfASmallImage) {
  // Nearest neighbour: a 9x9 image's corners lie 4 sqrt(2) = 5.66 px from the centre
  // and move by at most 5.66 * 2 pi / 180 = 0.20 px < 0.5, so every pixel stays.
  const auto img = ramp(9);
  for (uint64_t seed = 0; seed < 20; ++seed) {
    EXPECT_EQ(transformed(RandomRotation(), img, 9, 9, seed), unchanged(img, 9));
    EXPECT_EQ(draws_of(RandomRotation(), from_uint8(img.data(), 9, 9), seed), 1);
  }
}

TEST(RandomRotation, RotatesByTheDrawnAngleCounterClockwise) {
  // A bright 3x3 block centred 3 px right of the centre of an 11x11 black image.
  // OpenCV's positive angles turn counter-clockwise on screen (y down): the block's
  // centre moves to (5 + 3 cos a, 5 - 3 sin a). Nearest-neighbour may drop or
  // double a pixel, so compare the centroid of the bright pixels.
  std::vector<uint8_t> img(11 * 11 * 3, 0);
  for (int y = 4; y <= 6; ++y) {
    for (int x = 7; x <= 9; ++x) {
      for (int c = 0; c < 3; ++c) img[(y * 11 + x) * 3 + c] = 255;
    }
  }
  const RandomRotation rotate(RandomRotationOptions().degrees(45));
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const double a = SampleRng(seed).uniform(-45.0, 45.0) * 3.141592653589793 / 180;
    const auto out = transformed(rotate, img, 11, 11, seed);
    double sx = 0, sy = 0, n = 0;
    for (int y = 0; y < 11; ++y) {
      for (int x = 0; x < 11; ++x) {
        if (out[y * 11 + x] == 1.0f) sx += x, sy += y, n += 1;
      }
    }
    ASSERT_GE(n, 7) << "seed " << seed;
    EXPECT_NEAR(sx / n, 5 + 3 * std::cos(a), 0.5) << "seed " << seed;
    EXPECT_NEAR(sy / n, 5 - 3 * std::sin(a), 0.5) << "seed " << seed;
  }
}

TEST(RandomRotation, FillsWithZerosAndEndsAsFloats) {
  // A white 5x5 image turned by up to 180 degrees: corners leave the frame for most
  // angles and come back black; the centre stays white.
  const std::vector<uint8_t> white(5 * 5 * 3, 255);
  const RandomRotation rotate(RandomRotationOptions().degrees(180));
  int black_corners = 0;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Image image = from_uint8(white.data(), 5, 5);
    SampleRng rng(seed);
    rotate.apply(image, rng);
    ASSERT_TRUE(image.is_float());
    EXPECT_EQ(image.floats()[(2 * 5 + 2) * 3], 1.0f);
    black_corners += image.floats()[0] == 0.0f;
  }
  EXPECT_GT(black_corners, 5);
}

TEST(RandomRotation, PaperDefaultAndValidation) {
  EXPECT_EQ(RandomRotationOptions().degrees(), 2.0);
  EXPECT_EQ(RandomRotation().name(), "rotate");
  const auto message =
      dign::testing::error_of([] { RandomRotation(RandomRotationOptions().degrees(-1)); });
  EXPECT_TRUE(dign::testing::contains(message, "degrees must be in [0, 180], got -1")) << message;
}

}  // namespace
}  // namespace dign::augment
