// The refactor's contract: the composed transforms of src/augment give bitwise the
// floats of data::augment_image, from the same draws of the same SampleRng, so
// training runs stay reproducible across it. To be deleted with data/transforms.*.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "augment/image.h"
#include "augment/pipeline.h"
#include "core/rng.h"
#include "data/synthetic.h"
#include "data/transforms.h"

namespace dign::augment {
namespace {

struct Case {
  std::string name;
  int64_t height, width, out;
  std::vector<uint8_t> pixels;  // `count` images of height x width x 3
  int64_t count;
};

std::vector<uint8_t> random_images(int64_t h, int64_t w, int64_t count, uint64_t seed) {
  SampleRng rng(seed);
  std::vector<uint8_t> out(static_cast<size_t>(h * w * 3 * count));
  for (auto& v : out) v = static_cast<uint8_t>(rng.below(256));
  return out;
}

Case synthetic_case(int64_t side, int64_t out) {
  data::SyntheticOptions o;
  o.train_size = 20;
  o.test_size = 1;
  o.image_size = side;
  o.seed = 3;
  const auto set = data::make_synthetic(o).train;
  return {"synthetic " + std::to_string(side) + " -> " + std::to_string(out),
          side,
          side,
          out,
          set.pixels,
          set.size()};
}

Case random_case(int64_t h, int64_t w, int64_t out) {
  return {"random " + std::to_string(h) + "x" + std::to_string(w) + " -> " + std::to_string(out),
          h,
          w,
          out,
          random_images(h, w, 20, static_cast<uint64_t>(h * 1000 + w)),
          20};
}

// Every subset of the four items, written in reverse order (both sides canonicalize).
std::vector<std::string> subsets() {
  const char* items[4] = {"crop", "flip", "jitter", "rotate"};
  std::vector<std::string> lists;
  for (int mask = 0; mask < 16; ++mask) {
    std::string list;
    for (int i = 3; i >= 0; --i) {
      if (mask & (1 << i)) list += (list.empty() ? "" : ",") + std::string(items[i]);
    }
    lists.push_back(list.empty() ? "none" : list);
  }
  return lists;
}

TEST(LegacyEquivalence, ConversionMatchesDataToFloatChw) {
  std::vector<uint8_t> all(256 * 3);
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint8_t>(i / 3);
  std::vector<float> before(all.size()), after(all.size());
  data::to_float_chw(all.data(), 16, 16, before.data());
  uint8_to_float_chw(all.data(), 16, 16, after.data());
  EXPECT_EQ(std::memcmp(before.data(), after.data(), before.size() * sizeof(float)), 0);
}

TEST(LegacyEquivalence, EveryAugmentSubsetMatchesAugmentImageBitwise) {
  const std::vector<Case> cases = {
      synthetic_case(32, 32),  synthetic_case(40, 32),  random_case(32, 32, 32),
      random_case(40, 40, 32), random_case(36, 44, 32), random_case(44, 30, 32),
      random_case(28, 28, 32), random_case(28, 32, 32), random_case(9, 9, 9),
      synthetic_case(64, 64),  synthetic_case(73, 64)};
  constexpr uint64_t kSeeds = 100;
  int64_t compared = 0;
  for (const auto& c : cases) {
    const int64_t n = c.out * c.out * 3;
    for (const auto& list : subsets()) {
      const data::AugmentOptions legacy = data::parse_augment_list(list);
      ASSERT_EQ(to_list(parse_augment_list(list)), legacy.to_list()) << list;
      const Compose transforms = training_transforms(list, c.height, c.width, c.out);
      for (uint64_t seed = 0; seed < kSeeds; ++seed) {
        const uint8_t* src =
            c.pixels.data() + static_cast<int64_t>(seed % c.count) * c.height * c.width * 3;
        const uint64_t s = derive_seed(seed, {purpose_tag("augment"), 7, seed});
        std::vector<float> before(static_cast<size_t>(n)), after(static_cast<size_t>(n));
        SampleRng rng_before(s), rng_after(s);
        data::augment_image(src, c.height, c.width, before.data(), c.out, legacy, rng_before);
        Image image = from_uint8(src, c.height, c.width);
        transforms.apply(image, rng_after);
        ASSERT_EQ(image.height(), c.out);
        ASSERT_EQ(image.width(), c.out);
        to_float_chw(image, after.data());
        ASSERT_EQ(std::memcmp(before.data(), after.data(), before.size() * sizeof(float)), 0)
            << c.name << ", " << list << ", seed " << seed;
        // The same number of draws: the generators are in the same state.
        ASSERT_EQ(rng_before.next(), rng_after.next())
            << c.name << ", " << list << ", seed " << seed;
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 11 * 16 * static_cast<int64_t>(kSeeds));
}

}  // namespace
}  // namespace dign::augment
