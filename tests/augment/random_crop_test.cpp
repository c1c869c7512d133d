#include "augment/random_crop.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>
#include <vector>

#include "augment/augment_test_util.h"
#include "test_util.h"

namespace dign::augment {
namespace {

using augment::testing::chw;
using augment::testing::draws_of;
using augment::testing::ramp;
using augment::testing::transformed;

// The shift (dy, dx) with out(y, x) = img(y + dy, x + dx), zero outside; none if no shift fits.
std::pair<int, int> shift_of(const std::vector<float>& out, const std::vector<uint8_t>& img,
                             int padding) {
  for (int dy = -padding; dy <= padding; ++dy) {
    for (int dx = -padding; dx <= padding; ++dx) {
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
      if (match) return {dy, dx};
    }
  }
  return {99, 99};
}

TEST(RandomCrop, PaddedCropIsAShiftWithZeroFill) {
  const auto img = ramp(6);
  const RandomCrop crop(RandomCropOptions().padding(2));
  std::set<std::pair<int, int>> seen;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const auto shift = shift_of(transformed(crop, img, 6, 6, seed), img, 2);
    EXPECT_NE(shift.first, 99) << "seed " << seed << " is not a padded shift";
    seen.insert(shift);
  }
  EXPECT_EQ(seen.size(), 25u);  // every shift in [-2, 2]^2 occurs
}

TEST(RandomCrop, DrawsTheRowThenTheColumnOffset) {
  const auto img = ramp(6);
  const RandomCrop crop(RandomCropOptions().padding(2));
  for (uint64_t seed = 0; seed < 20; ++seed) {
    SampleRng replay(seed);
    const int dy = static_cast<int>(replay.below(5)) - 2;
    const int dx = static_cast<int>(replay.below(5)) - 2;
    EXPECT_EQ(shift_of(transformed(crop, img, 6, 6, seed), img, 2), std::make_pair(dy, dx));
    EXPECT_EQ(draws_of(crop, from_uint8(img.data(), 6, 6), seed), 2);
  }
}

TEST(RandomCrop, FloatImagesShiftAlike) {
  const auto img = ramp(6);
  const RandomCrop crop;  // padding 4
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Image image = from_uint8(img.data(), 6, 6);
    image.make_float();
    SampleRng rng(seed);
    crop.apply(image, rng);
    EXPECT_TRUE(image.is_float());
    EXPECT_EQ(chw(image), transformed(crop, img, 6, 6, seed)) << "seed " << seed;
  }
}

TEST(RandomCrop, PaperDefaultAndValidation) {
  EXPECT_EQ(RandomCropOptions().padding(), 4);
  EXPECT_EQ(RandomCrop().name(), "crop");
  const auto message = dign::testing::error_of([] { RandomCrop(RandomCropOptions().padding(-1)); });
  EXPECT_TRUE(dign::testing::contains(message, "padding must be >= 0, got -1")) << message;
}

}  // namespace
}  // namespace dign::augment
