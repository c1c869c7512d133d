#include "data/transforms.h"

#include <gtest/gtest.h>

#include <vector>

#include "test_util.h"

namespace dign::data {
namespace {

// A 6x6 image whose pixel (y, x) has RGB (10y + x, 100 + 10y + x, 200).
std::vector<uint8_t> ramp(int64_t side) {
  std::vector<uint8_t> img(static_cast<size_t>(side * side * 3));
  for (int64_t y = 0; y < side; ++y) {
    for (int64_t x = 0; x < side; ++x) {
      uint8_t* p = img.data() + (y * side + x) * 3;
      p[0] = static_cast<uint8_t>(10 * y + x);
      p[1] = static_cast<uint8_t>(100 + 10 * y + x);
      p[2] = 200;
    }
  }
  return img;
}

AugmentOptions nothing() {
  return parse_augment_list("none");
}

TEST(Transforms, ToFloatChwIsPlanarAndScaled) {
  const auto img = ramp(6);
  std::vector<float> out(3 * 36);
  to_float_chw(img.data(), 6, 6, out.data());
  // pixel (2, 3): R = 23, G = 123, B = 200, planes of 36 values.
  EXPECT_FLOAT_EQ(out[0 * 36 + 2 * 6 + 3], 23 / 255.0f);
  EXPECT_FLOAT_EQ(out[1 * 36 + 2 * 6 + 3], 123 / 255.0f);
  EXPECT_FLOAT_EQ(out[2 * 36 + 2 * 6 + 3], 200 / 255.0f);
}

TEST(Transforms, NoAugmentationIsTheIdentity) {
  const auto img = ramp(6);
  std::vector<float> expected(3 * 36), out(3 * 36);
  to_float_chw(img.data(), 6, 6, expected.data());
  SampleRng rng(1);
  augment_image(img.data(), 6, 6, out.data(), 6, nothing(), rng);
  EXPECT_EQ(out, expected);
}

TEST(Transforms, PaddedCropIsAShiftWithZeroFill) {
  const auto img = ramp(6);
  AugmentOptions o = nothing();
  o.crop = true;
  o.padding = 2;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    std::vector<float> out(3 * 36);
    SampleRng rng(seed);
    augment_image(img.data(), 6, 6, out.data(), 6, o, rng);
    // Find the shift from the red channel: red = 10y + x identifies the source pixel.
    bool found = false;
    for (int dy = -2; dy <= 2 && !found; ++dy) {
      for (int dx = -2; dx <= 2 && !found; ++dx) {
        bool match = true;
        for (int y = 0; y < 6 && match; ++y) {
          for (int x = 0; x < 6 && match; ++x) {
            const int sy = y + dy, sx = x + dx;
            const bool inside = sy >= 0 && sy < 6 && sx >= 0 && sx < 6;
            for (int c = 0; c < 3; ++c) {
              const float want = inside ? img[(sy * 6 + sx) * 3 + c] / 255.0f : 0.0f;
              match &= out[c * 36 + y * 6 + x] == want;
            }
          }
        }
        found = match;
      }
    }
    EXPECT_TRUE(found) << "seed " << seed << " is not a padded shift";
  }
}

TEST(Transforms, FlipMirrorsAboutHalfTheTime) {
  const auto img = ramp(6);
  AugmentOptions o = nothing();
  o.flip = true;
  int flipped = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    std::vector<float> out(3 * 36);
    SampleRng rng(seed);
    augment_image(img.data(), 6, 6, out.data(), 6, o, rng);
    const bool mirror = out[0] == img[5 * 3] / 255.0f;  // (0,0) holds source (0,5)
    if (mirror) ++flipped;
    EXPECT_TRUE(mirror || out[0] == img[0] / 255.0f);
  }
  EXPECT_GT(flipped, 70);
  EXPECT_LT(flipped, 130);
}

TEST(Transforms, JitterOfAGreyImageOnlyScalesBrightness) {
  // Grey pixels: saturation blends with themselves, contrast with their own mean;
  // only brightness (a factor in [0.75, 1.25]) changes them, uniformly.
  std::vector<uint8_t> grey(6 * 6 * 3, 100);
  AugmentOptions o = nothing();
  o.jitter = 0.25;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    std::vector<float> out(3 * 36);
    SampleRng rng(seed);
    augment_image(grey.data(), 6, 6, out.data(), 6, o, rng);
    const float v = out[0];
    EXPECT_GE(v, 0.75f * 100 / 255 - 1e-5f);
    EXPECT_LE(v, 1.25f * 100 / 255 + 1e-5f);
    for (float x : out) EXPECT_NEAR(x, v, 1e-5f);
  }
}

TEST(Transforms, SmallRotationKeepsTheCentre) {
  const auto img = ramp(9);
  AugmentOptions o = nothing();
  o.rotate_degrees = 2;
  std::vector<float> out(3 * 81);
  SampleRng rng(5);
  augment_image(img.data(), 9, 9, out.data(), 9, o, rng);
  EXPECT_FLOAT_EQ(out[4 * 9 + 4], img[(4 * 9 + 4) * 3] / 255.0f);
}

TEST(Transforms, LargerStoredImagesGetARandomResizedCrop) {
  std::vector<uint8_t> img(40 * 40 * 3, 77);
  std::vector<float> out(3 * 32 * 32);
  SampleRng rng(0);
  augment_image(img.data(), 40, 40, out.data(), 32, parse_augment_list("crop"), rng);
  for (float v : out) EXPECT_NEAR(v, 77 / 255.0f, 1e-6f);  // a constant image stays constant
}

TEST(Transforms, AugmentListParsesAndNamesBadItems) {
  const auto o = parse_augment_list("crop,flip");
  EXPECT_TRUE(o.crop);
  EXPECT_TRUE(o.flip);
  EXPECT_EQ(o.jitter, 0);
  EXPECT_EQ(o.rotate_degrees, 0);
  EXPECT_EQ(o.to_list(), "crop,flip");
  EXPECT_EQ(AugmentOptions().to_list(), "crop,flip,jitter,rotate");
  EXPECT_EQ(parse_augment_list("none").to_list(), "none");
  const auto message = testing::error_of([] { parse_augment_list("crop,blur"); });
  EXPECT_TRUE(testing::contains(message, "--augment")) << message;
  EXPECT_TRUE(testing::contains(message, "blur")) << message;
}

}  // namespace
}  // namespace dign::data
