#include "augment/random_resized_crop.h"

#include <gtest/gtest.h>

#include <vector>

#include "augment/augment_test_util.h"
#include "test_util.h"

namespace dign::augment {
namespace {

using augment::testing::draws_of;
using augment::testing::transformed;

// The whole image, always: area fraction 1 and ratio 1 give a crop of 4x4 on a 4x4 image.
RandomResizedCropOptions whole(int64_t size) {
  return RandomResizedCropOptions(size).scale_min(1).scale_max(1).ratio_min(1).ratio_max(1);
}

// A 4x4 image with R = 20y + 2x, G = 100 + R, B = 200.
std::vector<uint8_t> even_ramp() {
  std::vector<uint8_t> img(4 * 4 * 3);
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 4; ++x) {
      uint8_t* p = img.data() + (y * 4 + x) * 3;
      p[0] = static_cast<uint8_t>(20 * y + 2 * x);
      p[1] = static_cast<uint8_t>(100 + p[0]);
      p[2] = 200;
    }
  }
  return img;
}

TEST(RandomResizedCrop, ConstantImageStaysConstant) {
  const std::vector<uint8_t> img(40 * 40 * 3, 77);
  const RandomResizedCrop crop(RandomResizedCropOptions(32));
  for (uint64_t seed = 0; seed < 10; ++seed) {
    const auto out = transformed(crop, img, 40, 40, seed);
    ASSERT_EQ(out.size(), 3u * 32 * 32);
    for (float v : out) EXPECT_EQ(v, 77 / 255.0f);
  }
}

TEST(RandomResizedCrop, HalvingTheWholeImageAveragesTwoByTwoBlocks) {
  // Bilinear at scale 1/2 samples between two source pixels with weights 1/2:
  // red (0,0) = (0 + 2 + 20 + 22) / 4 = 11, (0,1) = 15, (1,0) = 51, (1,1) = 55.
  const auto img = even_ramp();
  const RandomResizedCrop crop(whole(2));
  Image image = from_uint8(img.data(), 4, 4);
  SampleRng rng(0);
  crop.apply(image, rng);
  ASSERT_EQ(image.height(), 2);
  ASSERT_FALSE(image.is_float());  // bytes are resized as bytes
  const std::vector<uint8_t> want = {11, 111, 200, 15, 115, 200, 51, 151, 200, 55, 155, 200};
  EXPECT_EQ(image.bytes(), want);
  // Two uniforms, then below(1) twice for the position.
  EXPECT_EQ(draws_of(crop, from_uint8(img.data(), 4, 4), 0), 4);
  // Floats are resized as floats: the same averages, without rounding to bytes.
  Image floats = from_uint8(img.data(), 4, 4);
  floats.make_float();
  crop.apply(floats, rng);
  ASSERT_TRUE(floats.is_float());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(floats.floats()[i], want[i] / 255.0f, 1e-6f);
}

TEST(RandomResizedCrop, FallsBackToTheCentralSquare) {
  // 6 rows x 4 columns; ratio 2 with the whole area asks for a crop 7 px wide
  // (round(sqrt(24 * 2))), which never fits: the central 4x4 square, rows 1-4,
  // already 4x4, is copied unchanged.
  std::vector<uint8_t> img(6 * 4 * 3);
  for (size_t i = 0; i < img.size(); ++i) img[i] = static_cast<uint8_t>(i);
  auto options = RandomResizedCropOptions(4).scale_min(1).scale_max(1).ratio_min(2).ratio_max(2);
  const RandomResizedCrop crop(options);
  Image image = from_uint8(img.data(), 6, 4);
  SampleRng rng(1);
  crop.apply(image, rng);
  EXPECT_EQ(image.bytes(), std::vector<uint8_t>(img.begin() + 4 * 3, img.begin() + 5 * 4 * 3));
  EXPECT_EQ(draws_of(crop, from_uint8(img.data(), 6, 4), 1), 2 * 10);  // ten failed attempts
  EXPECT_EQ(draws_of(RandomResizedCrop(options.attempts(0)), from_uint8(img.data(), 6, 4), 1), 0);
}

TEST(RandomResizedCrop, CropsHaveTheDrawnAreaAndRatioInsideTheImage) {
  // On the ramp R = 6x, G = 6y, bilinear resizing stays linear away from the crop's
  // edges: output column dx samples x = left + (dx + 0.5) w / 32 - 0.5, so
  // R(24) - R(8) = 6 * 16 w / 32 gives the crop width w (rows alike), up to the
  // rounding of R to bytes (0.33 px). Area fractions must lie in [0.08, 1] and
  // ratios w / h in [3/4, 4/3], give or take the rounding of w and h to pixels.
  std::vector<uint8_t> img(40 * 40 * 3, 0);
  for (int y = 0; y < 40; ++y) {
    for (int x = 0; x < 40; ++x) {
      img[(y * 40 + x) * 3] = static_cast<uint8_t>(6 * x);
      img[(y * 40 + x) * 3 + 1] = static_cast<uint8_t>(6 * y);
    }
  }
  const RandomResizedCrop crop(RandomResizedCropOptions(32));
  int small = 0, large = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const auto out = transformed(crop, img, 40, 40, seed);
    auto red = [&](int dx) { return out[16 * 32 + dx] * 255.0 / 6; };           // = x
    auto green = [&](int dy) { return out[1024 + dy * 32 + 16] * 255.0 / 6; };  // = y
    const double w = (red(24) - red(8)) * 2, h = (green(24) - green(8)) * 2;
    const double left = red(16) - (16.5 * w / 32 - 0.5), top = green(16) - (16.5 * h / 32 - 0.5);
    EXPECT_GE(w * h / 1600, 0.08 - 0.03) << "seed " << seed;
    EXPECT_LE(w * h / 1600, 1.0 + 0.03) << "seed " << seed;
    EXPECT_GE(w / h, 0.75 - 0.1) << "seed " << seed;
    EXPECT_LE(w / h, 4.0 / 3 + 0.1) << "seed " << seed;
    EXPECT_GE(left, -0.5) << "seed " << seed;
    EXPECT_GE(top, -0.5) << "seed " << seed;
    EXPECT_LE(left + w, 40.5) << "seed " << seed;
    EXPECT_LE(top + h, 40.5) << "seed " << seed;
    small += w * h / 1600 < 0.3;
    large += w * h / 1600 > 0.8;
  }
  // Area fractions ~ U(0.08, 1): about 24% below 0.3 and 22% above 0.8 (fewer
  // large ones fit: those are redrawn).
  EXPECT_GT(small, 25);
  EXPECT_GT(large, 15);
}

TEST(RandomResizedCrop, TorchvisionDefaultsAndValidation) {
  const RandomResizedCropOptions o(32);
  EXPECT_EQ(o.size(), 32);
  EXPECT_EQ(o.scale_min(), 0.08);
  EXPECT_EQ(o.scale_max(), 1.0);
  EXPECT_EQ(o.ratio_min(), 3.0 / 4.0);
  EXPECT_EQ(o.ratio_max(), 4.0 / 3.0);
  EXPECT_EQ(o.attempts(), 10);
  EXPECT_EQ(RandomResizedCrop(o).name(), "resized_crop");
  auto message = dign::testing::error_of([] { RandomResizedCrop(RandomResizedCropOptions(0)); });
  EXPECT_TRUE(dign::testing::contains(message, "size must be >= 1, got 0")) << message;
  message = dign::testing::error_of(
      [] { RandomResizedCrop(RandomResizedCropOptions(8).scale_min(0.5).scale_max(0.4)); });
  EXPECT_TRUE(dign::testing::contains(message, "scale_min <= scale_max")) << message;
}

}  // namespace
}  // namespace dign::augment
