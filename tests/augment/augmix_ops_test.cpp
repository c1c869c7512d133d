// AugMix's operations (augment/augmix_ops.h) on tiny images with answers worked out by hand, and
// the ranges of their drawn parameters. Agreement with Pillow itself, byte by byte, is the
// augmix_oracle test (tests/augment/oracle/augmix_oracle.py).
#include "augment/augmix_ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"

namespace dign::augment {
namespace {

// An image whose three channels all hold `values` (row-major, height x width).
std::vector<uint8_t> grey(const std::vector<int>& values) {
  std::vector<uint8_t> hwc;
  for (int v : values) hwc.insert(hwc.end(), 3, static_cast<uint8_t>(v));
  return hwc;
}

// An image with pixel (y, x) = (10 x + y, 100 + x, 200 - y): every pixel differs.
std::vector<uint8_t> ramp(int64_t height, int64_t width) {
  std::vector<uint8_t> hwc;
  for (int64_t y = 0; y < height; ++y) {
    for (int64_t x = 0; x < width; ++x) {
      hwc.push_back(static_cast<uint8_t>(10 * x + y));
      hwc.push_back(static_cast<uint8_t>(100 + x));
      hwc.push_back(static_cast<uint8_t>(200 - y));
    }
  }
  return hwc;
}

std::vector<uint8_t> applied(AugMixOp op, double parameter, std::vector<uint8_t> hwc,
                             int64_t height, int64_t width) {
  apply_op(op, parameter, hwc.data(), height, width);
  return hwc;
}

TEST(AugMixOps, PosterizeKeepsTheHighBits) {
  const std::vector<int> in = {0, 37, 127, 128, 159, 200, 255};
  // bits 1: & 0x80; bits 3: & 0xe0 (37 = 0b00100101 -> 32); bits 4: & 0xf0 (159 = 0x9f -> 0x90).
  EXPECT_EQ(applied(AugMixOp::kPosterize, 1, grey(in), 1, 7), grey({0, 0, 0, 128, 128, 128, 128}));
  EXPECT_EQ(applied(AugMixOp::kPosterize, 3, grey(in), 1, 7),
            grey({0, 32, 96, 128, 128, 192, 224}));
  EXPECT_EQ(applied(AugMixOp::kPosterize, 4, grey(in), 1, 7),
            grey({0, 32, 112, 128, 144, 192, 240}));
  EXPECT_EQ(applied(AugMixOp::kPosterize, 8, grey(in), 1, 7), grey(in));
  EXPECT_EQ(applied(AugMixOp::kPosterize, 0, grey(in), 1, 7), grey({0, 0, 0, 0, 0, 0, 0}));
  EXPECT_THROW(applied(AugMixOp::kPosterize, 2.5, grey(in), 1, 7), Error);
  EXPECT_THROW(applied(AugMixOp::kPosterize, 9, grey(in), 1, 7), Error);
}

TEST(AugMixOps, SolarizeInvertsValuesFromTheThresholdUp) {
  const std::vector<int> in = {0, 1, 127, 128, 200, 255};
  EXPECT_EQ(applied(AugMixOp::kSolarize, 128, grey(in), 1, 6), grey({0, 1, 127, 127, 55, 0}));
  EXPECT_EQ(applied(AugMixOp::kSolarize, 1, grey(in), 1, 6), grey({0, 254, 128, 127, 55, 0}));
  EXPECT_EQ(applied(AugMixOp::kSolarize, 256, grey(in), 1, 6), grey(in));
  EXPECT_EQ(applied(AugMixOp::kSolarize, 0, grey(in), 1, 6), grey({255, 254, 128, 127, 55, 0}));
}

TEST(AugMixOps, AutocontrastStretchesEachChannelFromItsLowestToItsHighest) {
  // Channel 0 takes 100 and 150 only: scale 255 / 50, 100 -> 0 and 150 -> 255. Channel 1 takes
  // 20, 40, 105: scale 255 / 85 = 3, offset -60, so 40 -> 60. Channel 2 is constant: unchanged.
  const std::vector<uint8_t> in = {100, 20, 77, 150, 40, 77, 100, 105, 77};
  EXPECT_EQ(applied(AugMixOp::kAutocontrast, 0, in, 1, 3),
            std::vector<uint8_t>({0, 0, 77, 255, 60, 77, 0, 255, 77}));
}

TEST(AugMixOps, EqualizeMapsEachLevelToTheCountBelowItOverTheStep) {
  // 16 x 16: 128 pixels of 10, 127 of 20, 1 of 30. step = (256 - 1) // 255 = 1, n starts at
  // step // 2 = 0, lut[v] = (pixels below v) // 1: 10 -> 0, 20 -> 128, 30 -> 255.
  std::vector<int> values(128, 10);
  values.insert(values.end(), 127, 20);
  values.push_back(30);
  std::vector<int> expected(128, 0);
  expected.insert(expected.end(), 127, 128);
  expected.push_back(255);
  EXPECT_EQ(applied(AugMixOp::kEqualize, 0, grey(values), 16, 16), grey(expected));

  // 16 x 32: 256 of 0, 254 of 1, 2 of 2: step = (512 - 2) // 255 = 2, n starts at 1:
  // lut[0] = 1 // 2 = 0, lut[1] = (1 + 256) // 2 = 128, lut[2] = (1 + 510) // 2 = 255.
  values.assign(256, 0);
  values.insert(values.end(), 254, 1);
  values.insert(values.end(), 2, 2);
  expected.assign(256, 0);
  expected.insert(expected.end(), 254, 128);
  expected.insert(expected.end(), 2, 255);
  EXPECT_EQ(applied(AugMixOp::kEqualize, 0, grey(values), 16, 32), grey(expected));

  // 16 x 17: 100 of 0, 171 of 40, 1 of 90: step = 271 // 255 = 1, lut[90] = 271, which Pillow's
  // Image.point clips to 255 (not 271 mod 256 = 15).
  values.assign(100, 0);
  values.insert(values.end(), 171, 40);
  values.push_back(90);
  expected.assign(100, 0);
  expected.insert(expected.end(), 171, 100);
  expected.push_back(255);
  EXPECT_EQ(applied(AugMixOp::kEqualize, 0, grey(values), 16, 17), grey(expected));

  // One level only, or step 0 (200 of 50, 56 of 60: (256 - 56) // 255 = 0): unchanged.
  EXPECT_EQ(applied(AugMixOp::kEqualize, 0, grey(std::vector<int>(256, 7)), 16, 16),
            grey(std::vector<int>(256, 7)));
  values.assign(200, 50);
  values.insert(values.end(), 56, 60);
  EXPECT_EQ(applied(AugMixOp::kEqualize, 0, grey(values), 16, 16), grey(values));
}

TEST(AugMixOps, TranslateMovesPixelsExactlyAndFillsWithZero) {
  const int64_t h = 5, w = 6;
  const auto in = ramp(h, w);
  for (int t : {-7, -3, -1, 1, 2, 6}) {
    const auto x_out = applied(AugMixOp::kTranslateX, t, in, h, w);
    const auto y_out = applied(AugMixOp::kTranslateY, t, in, h, w);
    for (int64_t y = 0; y < h; ++y) {
      for (int64_t x = 0; x < w; ++x) {
        for (int64_t c = 0; c < 3; ++c) {
          const size_t i = static_cast<size_t>((y * w + x) * 3 + c);
          // out(x, y) = in(x + t, y), or in(x, y + t); 0 where that lies outside.
          const int64_t xs = x + t, ys = y + t;
          const int x_expected = xs >= 0 && xs < w ? in[i + 3 * t] : 0;
          const int y_expected = ys >= 0 && ys < h ? in[i + 3 * w * t] : 0;
          EXPECT_EQ(x_out[i], x_expected) << "t " << t << " at " << y << "," << x;
          EXPECT_EQ(y_out[i], y_expected) << "t " << t << " at " << y << "," << x;
        }
      }
    }
  }
}

TEST(AugMixOps, ZeroRotationAndShearAreTheIdentity) {
  const auto in = ramp(7, 9);
  for (double p : {0.0, -0.0}) {
    EXPECT_EQ(applied(AugMixOp::kRotate, p, in, 7, 9), in);
    EXPECT_EQ(applied(AugMixOp::kShearX, p, in, 7, 9), in);
    EXPECT_EQ(applied(AugMixOp::kShearY, p, in, 7, 9), in);
    EXPECT_EQ(applied(AugMixOp::kTranslateX, p, in, 7, 9), in);
  }
  EXPECT_EQ(applied(AugMixOp::kRotate, 360, in, 7, 9), in);
  EXPECT_EQ(applied(AugMixOp::kRotate, -720, in, 7, 9), in);
}

TEST(AugMixOps, RotationIsCounterClockwiseAboutTheCentre) {
  // 90 degrees on a square: out(x, y) = in(w - 1 - y, x), Pillow's ROTATE_90 (the rounded
  // matrix is exact there); 180 degrees on any size: out(x, y) = in(w - 1 - x, h - 1 - y).
  const int64_t s = 6;
  const auto in = ramp(s, s);
  const auto quarter = applied(AugMixOp::kRotate, 90, in, s, s);
  const auto half = applied(AugMixOp::kRotate, -180, ramp(4, 7), 4, 7);
  const auto in47 = ramp(4, 7);
  for (int64_t y = 0; y < s; ++y) {
    for (int64_t x = 0; x < s; ++x) {
      for (int64_t c = 0; c < 3; ++c) {
        EXPECT_EQ(quarter[(y * s + x) * 3 + c], in[(x * s + (s - 1 - y)) * 3 + c]);
        if (y < 4 && x < 7) {
          EXPECT_EQ(half[(y * 7 + x) * 3 + c], in47[((3 - y) * 7 + (6 - x)) * 3 + c]);
        }
      }
    }
  }
}

TEST(AugMixOps, ShearInterpolatesBilinearlyAndTruncates) {
  // shear_x 0.5 on a 4 x 4 image with pixel (y, x) = 10 x (all channels): at row 1 the centre
  // x + 0.5 maps to u = x + 0.5 + 0.5 * 1.5 = x + 1.25, sampled at x + 0.75: 10 x + 7.5 -> 10 x
  // + 7; x = 3 maps to u = 4.25 >= 4: 0. At row 0, u = x + 0.75: 10 x + 2.5 -> 10 x + 2, and
  // at x = 3 the right neighbour is clamped to column 3: 30.
  std::vector<int> values;
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 4; ++x) values.push_back(10 * x);
  }
  const auto out = applied(AugMixOp::kShearX, 0.5, grey(values), 4, 4);
  const std::vector<uint8_t> row0 = grey({2, 12, 22, 30}), row1 = grey({7, 17, 27, 0});
  EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.begin() + 12), row0);
  EXPECT_EQ(std::vector<uint8_t>(out.begin() + 12, out.begin() + 24), row1);
}

TEST(AugMixOps, EnhanceOperationsBlendWithTheirDegenerateImage) {
  // Brightness: factor * v in floats, truncated; clipped above 1: 0.5 * 201 = 100.5 -> 100,
  // 1.5 * 101 = 151.5 -> 151, 1.5 * 200 = 300 -> 255.
  EXPECT_EQ(applied(AugMixOp::kBrightness, 0.5, grey({201, 101}), 1, 2), grey({100, 50}));
  EXPECT_EQ(applied(AugMixOp::kBrightness, 1.5, grey({200, 101}), 1, 2), grey({255, 151}));
  // Contrast 0: the grey int(mean + 0.5) everywhere; L is 0 and 255 here, mean 127.5 -> 128.
  EXPECT_EQ(applied(AugMixOp::kContrast, 0, grey({0, 255, 0, 255}), 2, 2),
            grey({128, 128, 128, 128}));
  // Color 0: each pixel's L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16: pure red
  // (255 * 19595 + 32768) >> 16 = 76, pure blue (255 * 7471 + 32768) >> 16 = 29.
  EXPECT_EQ(applied(AugMixOp::kColor, 0, {255, 0, 0, 0, 0, 255}, 1, 2), grey({76, 29}));
  // Factor 1 is the image itself.
  const auto in = ramp(5, 5);
  for (AugMixOp op :
       {AugMixOp::kColor, AugMixOp::kContrast, AugMixOp::kBrightness, AugMixOp::kSharpness}) {
    EXPECT_EQ(applied(op, 1, in, 5, 5), in) << op_name(op);
  }
}

TEST(AugMixOps, SharpnessZeroIsPillowsSmoothFilterWithTheBorderCopied) {
  // A 4 x 4 image, 0 except 130 at (1, 1) and 90 at (0, 3). SMOOTH = (1 1 1 / 1 5 1 / 1 1 1)
  // / 13, + 0.5, truncated: (1, 1) -> 130 * 5 / 13 = 50, its inner neighbours (1, 2), (2, 1),
  // (2, 2) -> 130 / 13 = 10; (1, 2) also sees the 90: (130 + 90) / 13 = 16.9 -> 17. The border
  // rows and columns are copied as they are.
  std::vector<int> values(16, 0);
  values[1 * 4 + 1] = 130;
  values[0 * 4 + 3] = 90;
  std::vector<int> expected = values;
  expected[1 * 4 + 1] = 50;
  expected[1 * 4 + 2] = 17;
  expected[2 * 4 + 1] = 10;
  expected[2 * 4 + 2] = 10;
  EXPECT_EQ(applied(AugMixOp::kSharpness, 0, grey(values), 4, 4), grey(expected));
  // Smaller than 3 x 3: SMOOTH copies the image, so any factor leaves it as it is.
  const auto small = ramp(2, 5);
  EXPECT_EQ(applied(AugMixOp::kSharpness, 0, small, 2, 5), small);
}

struct Range {
  double lo, hi;
};

// Draws many parameters; checks that they stay in [lo, hi], reach both ends (within `reach`),
// and are integers when asked.
void expect_range(AugMixOp op, double severity, int64_t size, Range range, bool integer,
                  double reach) {
  double seen_lo = 1e9, seen_hi = -1e9;
  for (uint64_t seed = 0; seed < 4000; ++seed) {
    SampleRng rng(seed);
    const double p = sample_op_parameter(op, severity, size, rng);
    const double slack = integer ? 0.0 : 1e-12;  // the floats' rounding at the ends
    ASSERT_GE(p, range.lo - slack) << op_name(op) << " severity " << severity;
    ASSERT_LE(p, range.hi + slack) << op_name(op) << " severity " << severity;
    if (integer) {
      ASSERT_EQ(p, std::floor(p)) << op_name(op);
    }
    seen_lo = std::min(seen_lo, p);
    seen_hi = std::max(seen_hi, p);
  }
  EXPECT_LE(seen_lo, range.lo + reach) << op_name(op) << " severity " << severity;
  EXPECT_GE(seen_hi, range.hi - reach) << op_name(op) << " severity " << severity;
}

TEST(AugMixOps, DrawnParametersSpanAugMixsRanges) {
  // level ~ U(0.1, s): posterize 4 - int(0.4 level), solarize 256 - int(25.6 level), rotate
  // int(3 level), shear 0.03 level, translate int(level * size / 30), enhance 0.18 level + 0.1.
  expect_range(AugMixOp::kPosterize, 10, 32, {1, 4}, true, 0);
  expect_range(AugMixOp::kPosterize, 3, 32, {3, 4}, true, 0);
  expect_range(AugMixOp::kSolarize, 10, 32, {1, 254}, true, 0);
  expect_range(AugMixOp::kSolarize, 3, 32, {180, 254}, true, 0);
  expect_range(AugMixOp::kRotate, 10, 32, {-29, 29}, true, 0);
  expect_range(AugMixOp::kRotate, 3, 32, {-8, 8}, true, 0);
  expect_range(AugMixOp::kShearX, 10, 32, {-0.3, 0.3}, false, 0.005);
  expect_range(AugMixOp::kShearY, 3, 32, {-0.09, 0.09}, false, 0.001);
  expect_range(AugMixOp::kTranslateX, 10, 32, {-10, 10}, true, 0);
  expect_range(AugMixOp::kTranslateY, 3, 32, {-3, 3}, true, 0);
  expect_range(AugMixOp::kTranslateX, 10, 64, {-21, 21}, true, 0);
  expect_range(AugMixOp::kColor, 10, 32, {0.118, 1.9}, false, 0.01);
  expect_range(AugMixOp::kSharpness, 3, 32, {0.118, 0.64}, false, 0.01);
  expect_range(AugMixOp::kAutocontrast, 10, 32, {0, 0}, true, 0);
  // Shears never come closer to 0 than level 0.1 allows: |k| >= 0.003.
  for (uint64_t seed = 0; seed < 1000; ++seed) {
    SampleRng rng(seed);
    EXPECT_GE(std::abs(sample_op_parameter(AugMixOp::kShearX, 10, 32, rng)), 0.003);
  }
}

TEST(AugMixOps, DrawsTheLevelThenTheSignForSignedOperationsOnly) {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    for (AugMixOp op : augmix_ops(true)) {
      SampleRng rng(seed), replay(seed);
      const double p = sample_op_parameter(op, 10, 32, rng);
      const double level = replay.uniform(0.1, 10);
      const bool is_signed = op == AugMixOp::kRotate || op == AugMixOp::kShearX ||
                             op == AugMixOp::kShearY || op == AugMixOp::kTranslateX ||
                             op == AugMixOp::kTranslateY;
      if (is_signed) {
        const bool negative = replay.uniform() > 0.5;
        if (op == AugMixOp::kShearX || op == AugMixOp::kShearY) {
          EXPECT_EQ(p, (negative ? -1 : 1) * level * 0.3 / 10);
        } else if (p != 0) {
          EXPECT_EQ(p < 0, negative) << op_name(op);
        }
      }
      if (op == AugMixOp::kColor) {
        EXPECT_EQ(p, level * 1.8 / 10 + 0.1);
      }
      // Both generators are now at the same point.
      EXPECT_EQ(rng.next(), replay.next()) << op_name(op);
    }
  }
  SampleRng rng(1);
  EXPECT_THROW(sample_op_parameter(AugMixOp::kRotate, 0, 32, rng), Error);
  EXPECT_THROW(sample_op_parameter(AugMixOp::kTranslateX, 3, 0, rng), Error);
}

TEST(AugMixOps, ListsAndNames) {
  const auto& cifar = augmix_ops(false);
  const auto& all = augmix_ops(true);
  ASSERT_EQ(cifar.size(), 9u);
  ASSERT_EQ(all.size(), 13u);
  // augmentations.py's order; augmentations_all adds the 4 enhance operations after them.
  const std::vector<std::string> names = {
      "autocontrast", "equalize",    "posterize", "rotate",   "solarize",   "shear_x",  "shear_y",
      "translate_x",  "translate_y", "color",     "contrast", "brightness", "sharpness"};
  std::set<std::string> unique;
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(op_name(all[i]), names[i]);
    if (i < cifar.size()) {
      EXPECT_EQ(cifar[i], all[i]);
    }
    unique.insert(op_name(all[i]));
  }
  EXPECT_EQ(unique.size(), 13u);
  EXPECT_EQ(op_name(AugMixOp::kSolarize), "solarize");
}

TEST(AugMixOps, BadArgumentsAreErrors) {
  auto img = ramp(3, 3);
  EXPECT_THROW(apply_op(AugMixOp::kRotate, std::nan(""), img.data(), 3, 3), Error);
  EXPECT_THROW(apply_op(AugMixOp::kRotate, 5, img.data(), -1, 3), Error);
  EXPECT_THROW(apply_op(AugMixOp::kRotate, 5, nullptr, 3, 3), Error);
  apply_op(AugMixOp::kEqualize, 0, nullptr, 0, 3);  // an empty image: nothing to do
}

}  // namespace
}  // namespace dign::augment
