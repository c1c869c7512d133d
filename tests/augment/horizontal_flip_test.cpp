#include "augment/horizontal_flip.h"

#include <gtest/gtest.h>

#include <vector>

#include "augment/augment_test_util.h"
#include "test_util.h"

namespace dign::augment {
namespace {

using augment::testing::draws_of;
using augment::testing::ramp;
using augment::testing::transformed;

TEST(HorizontalFlip, FlipMirrorsAboutHalfTheTime) {
  const auto img = ramp(6);
  const HorizontalFlip flip;
  int flipped = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const auto out = transformed(flip, img, 6, 6, seed);
    const bool mirror = out[0] == img[5 * 3] / 255.0f;  // (0,0) holds source (0,5)
    if (mirror) ++flipped;
    EXPECT_TRUE(mirror || out[0] == img[0] / 255.0f);
  }
  EXPECT_GT(flipped, 70);
  EXPECT_LT(flipped, 130);
}

// Pixels with RGB (v, 10 v, v + 100) for each v, in order.
std::vector<uint8_t> pixels(const std::vector<int>& values) {
  std::vector<uint8_t> out;
  for (int v : values) {
    out.push_back(static_cast<uint8_t>(v));
    out.push_back(static_cast<uint8_t>(10 * v));
    out.push_back(static_cast<uint8_t>(v + 100));
  }
  return out;
}

TEST(HorizontalFlip, MirrorsEveryRowAndKeepsTheMiddleColumn) {
  // 2x3: [1 2 3 / 4 5 6] -> [3 2 1 / 6 5 4].
  const auto bytes = pixels({1, 2, 3, 4, 5, 6});
  const auto want = pixels({3, 2, 1, 6, 5, 4});
  const HorizontalFlip flip(HorizontalFlipOptions().p(1.0));
  Image image = from_uint8(bytes.data(), 2, 3);
  SampleRng rng(4);
  flip.apply(image, rng);
  EXPECT_EQ(image.bytes(), want);
  // The same on floats.
  Image floats = from_uint8(bytes.data(), 2, 3);
  floats.make_float();
  flip.apply(floats, rng);
  EXPECT_EQ(floats.floats(), Image(2, 3, want).make_float());
}

TEST(HorizontalFlip, ProbabilityZeroNeverFlipsAndEachCallDrawsOnce) {
  const auto img = ramp(6);
  std::vector<float> unchanged(3 * 36);
  uint8_to_float_chw(img.data(), 6, 6, unchanged.data());
  const HorizontalFlip never(HorizontalFlipOptions().p(0.0));
  for (uint64_t seed = 0; seed < 50; ++seed) {
    EXPECT_EQ(transformed(never, img, 6, 6, seed), unchanged);
    EXPECT_EQ(draws_of(never, from_uint8(img.data(), 6, 6), seed), 1);
  }
}

TEST(HorizontalFlip, PaperDefaultAndValidation) {
  EXPECT_EQ(HorizontalFlipOptions().p(), 0.5);
  EXPECT_EQ(HorizontalFlip().name(), "flip");
  const auto message =
      dign::testing::error_of([] { HorizontalFlip(HorizontalFlipOptions().p(1.5)); });
  EXPECT_TRUE(dign::testing::contains(message, "p must be in [0, 1], got 1.5")) << message;
}

}  // namespace
}  // namespace dign::augment
