#include "augment/color_jitter.h"

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

float grey(const std::vector<float>& chw, int64_t plane, int64_t i) {
  return 0.2989f * chw[i] + 0.587f * chw[plane + i] + 0.114f * chw[2 * plane + i];
}

TEST(ColorJitter, JitterOfAGreyImageOnlyScalesBrightness) {
  // Grey pixels: saturation blends with themselves, contrast with their own mean;
  // only brightness (a factor in [0.75, 1.25]) changes them, uniformly.
  const std::vector<uint8_t> grey_image(6 * 6 * 3, 100);
  const ColorJitter jitter;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const auto out = transformed(jitter, grey_image, 6, 6, seed);
    const float v = out[0];
    EXPECT_GE(v, 0.75f * 100 / 255 - 1e-5f);
    EXPECT_LE(v, 1.25f * 100 / 255 + 1e-5f);
    for (float x : out) EXPECT_NEAR(x, v, 1e-5f);
  }
}

TEST(ColorJitter, ZeroStrengthIsTheIdentityButStillDraws) {
  // Factors are exactly 1: f * v + (1 - f) * g = v, bit for bit.
  const auto img = ramp(6);
  std::vector<float> unchanged(3 * 36);
  uint8_to_float_chw(img.data(), 6, 6, unchanged.data());
  const ColorJitter none(ColorJitterOptions().brightness(0).contrast(0).saturation(0));
  for (uint64_t seed = 0; seed < 10; ++seed) {
    EXPECT_EQ(transformed(none, img, 6, 6, seed), unchanged);
    // Three factors, then the shuffle's two draws (below(3), below(2)).
    EXPECT_EQ(draws_of(none, from_uint8(img.data(), 6, 6), seed), 5);
  }
}

TEST(ColorJitter, SaturationBlendsEachPixelWithItsGrey) {
  // out = f p + (1 - f) g with g = grey(p): out - g = f (p - g) with one f in
  // [0.75, 1.25] for every pixel and channel, and grey(out) = g up to the weights'
  // sum of 0.9999. Muted colours, RGB (100 + y, 120 + x, 140), so nothing clamps.
  std::vector<uint8_t> img(6 * 6 * 3);
  for (int y = 0; y < 6; ++y) {
    for (int x = 0; x < 6; ++x) {
      img[(y * 6 + x) * 3] = static_cast<uint8_t>(100 + y);
      img[(y * 6 + x) * 3 + 1] = static_cast<uint8_t>(120 + x);
      img[(y * 6 + x) * 3 + 2] = 140;
    }
  }
  std::vector<float> in(3 * 36);
  uint8_to_float_chw(img.data(), 6, 6, in.data());
  const ColorJitter saturation(ColorJitterOptions().brightness(0).contrast(0).saturation(0.25));
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const auto out = transformed(saturation, img, 6, 6, seed);
    const float f = (out[2 * 36] - grey(in, 36, 0)) / (in[2 * 36] - grey(in, 36, 0));
    EXPECT_GE(f, 0.75f - 1e-4f);
    EXPECT_LE(f, 1.25f + 1e-4f);
    for (int64_t i = 0; i < 36; ++i) {
      const float g = grey(in, 36, i);
      EXPECT_NEAR(grey(out, 36, i), g, 1e-4f);
      for (int64_t c = 0; c < 3; ++c) {
        EXPECT_NEAR(out[c * 36 + i] - g, f * (in[c * 36 + i] - g), 1e-6f);
      }
    }
  }
}

TEST(ColorJitter, ContrastBlendsWithTheMeanGreyAndClamps) {
  // A 1x2 image, black and white: mean grey m = (0 + 0.9999) / 2; out = clamp(f v + (1 - f) m).
  // f > 1 pushes both past their extremes (clamped: unchanged); f < 1 lifts black to
  // (1 - f) m and lowers white to 1 - (1 - f)(1 - m), by at most 0.25 m.
  const float m = (0.2989f + 0.587f + 0.114f) / 2;
  const std::vector<uint8_t> bw = {0, 0, 0, 255, 255, 255};
  const ColorJitter contrast(ColorJitterOptions().brightness(0).contrast(0.25).saturation(0));
  int lowered = 0;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    const auto out = transformed(contrast, bw, 1, 2, seed);
    const float black = out[0], white = out[1];
    for (int c = 1; c < 3; ++c) {
      EXPECT_EQ(out[2 * c], black);
      EXPECT_EQ(out[2 * c + 1], white);
    }
    EXPECT_EQ(black == 0.0f, white == 1.0f) << black << " " << white;
    EXPECT_LE(black, 0.25f * m + 1e-6f);
    const float one_minus_f = black / m;
    EXPECT_NEAR(white, 1 - one_minus_f * (1 - m), 1e-6f);
    lowered += black > 0.0f;
  }
  EXPECT_GT(lowered, 5);  // about half the factors are below 1
  EXPECT_LT(lowered, 35);
}

TEST(ColorJitter, PaperDefaultsAndValidation) {
  const ColorJitterOptions o;
  EXPECT_EQ(o.brightness(), 0.25);
  EXPECT_EQ(o.contrast(), 0.25);
  EXPECT_EQ(o.saturation(), 0.25);
  EXPECT_EQ(ColorJitter().name(), "jitter");
  const auto message =
      dign::testing::error_of([] { ColorJitter(ColorJitterOptions().contrast(1.5)); });
  EXPECT_TRUE(dign::testing::contains(message, "contrast must be in [0, 1], got 1.5")) << message;
}

}  // namespace
}  // namespace dign::augment
