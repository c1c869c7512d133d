#include "augment/image.h"

#include <gtest/gtest.h>

#include <vector>

#include "augment/augment_test_util.h"
#include "test_util.h"

namespace dign::augment {
namespace {

using augment::testing::chw;
using augment::testing::ramp;

TEST(AugmentImage, ToFloatChwIsPlanarAndScaled) {
  const auto img = ramp(6);
  std::vector<float> out(3 * 36);
  uint8_to_float_chw(img.data(), 6, 6, out.data());
  // pixel (2, 3): R = 23, G = 123, B = 200, planes of 36 values.
  EXPECT_FLOAT_EQ(out[0 * 36 + 2 * 6 + 3], 23 / 255.0f);
  EXPECT_FLOAT_EQ(out[1 * 36 + 2 * 6 + 3], 123 / 255.0f);
  EXPECT_FLOAT_EQ(out[2 * 36 + 2 * 6 + 3], 200 / 255.0f);
  // The Image path writes the same values.
  EXPECT_EQ(chw(from_uint8(img.data(), 6, 6)), out);
}

TEST(AugmentImage, UnitFloatIsTheFloatQuotient) {
  EXPECT_EQ(unit_float(0), 0.0f);
  EXPECT_EQ(unit_float(51), 0.2f);  // 51 / 255 = 0.2 exactly; the division rounds once
  EXPECT_EQ(unit_float(255), 1.0f);
}

TEST(AugmentImage, MakeFloatConvertsOnceAndReleasesTheBytes) {
  const std::vector<uint8_t> bytes = {0, 51, 255, 51, 0, 255};  // 1x2
  Image image = from_uint8(bytes.data(), 1, 2);
  EXPECT_FALSE(image.is_float());
  EXPECT_EQ(image.bytes(), bytes);
  EXPECT_TRUE(image.floats().empty());
  const std::vector<float> want = {0.0f, 0.2f, 1.0f, 0.2f, 0.0f, 1.0f};
  EXPECT_EQ(image.make_float(), want);
  EXPECT_TRUE(image.is_float());
  EXPECT_TRUE(image.bytes().empty());
  image.floats()[0] = 0.5f;
  EXPECT_EQ(image.make_float()[0], 0.5f);  // a second call converts nothing
}

TEST(AugmentImage, FloatImagesAreWrittenPlanar) {
  // 1x2 HWC (r0 g0 b0 r1 g1 b1) -> CHW (r0 r1 g0 g1 b0 b1).
  const Image image(1, 2, std::vector<float>{0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f});
  EXPECT_EQ(chw(image), (std::vector<float>{0.1f, 0.4f, 0.2f, 0.5f, 0.3f, 0.6f}));
}

TEST(AugmentImage, AssignChangesTheSizeAndTheKind) {
  Image image(1, 1, std::vector<float>{0.f, 0.f, 0.f});
  image.assign(2, 1, std::vector<uint8_t>{1, 2, 3, 4, 5, 6});
  EXPECT_EQ(image.height(), 2);
  EXPECT_EQ(image.width(), 1);
  EXPECT_FALSE(image.is_float());
  EXPECT_TRUE(image.floats().empty());
}

TEST(AugmentImage, SizeMismatchIsAnError) {
  const auto message = dign::testing::error_of([] { Image(2, 2, std::vector<uint8_t>(11)); });
  EXPECT_TRUE(dign::testing::contains(message, "2x2x3 needs 12 bytes, got 11")) << message;
}

}  // namespace
}  // namespace dign::augment
