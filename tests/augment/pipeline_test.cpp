#include "augment/pipeline.h"

#include <gtest/gtest.h>

#include <vector>

#include "augment/augment_test_util.h"
#include "augment/color_jitter.h"
#include "augment/horizontal_flip.h"
#include "augment/pad.h"
#include "augment/random_crop.h"
#include "augment/random_resized_crop.h"
#include "augment/random_rotation.h"
#include "test_util.h"

namespace dign::augment {
namespace {

using augment::testing::ramp;
using augment::testing::transformed;
using Names = std::vector<std::string>;

TEST(AugmentPipeline, AugmentListParsesAndNamesBadItems) {
  EXPECT_EQ(parse_augment_list("crop,flip"), (Names{"crop", "flip"}));
  EXPECT_EQ(to_list(parse_augment_list("crop,flip")), "crop,flip");
  EXPECT_EQ(to_list(augment_items()), "crop,flip,jitter,rotate");
  EXPECT_EQ(to_list(parse_augment_list("none")), "none");
  const auto message = dign::testing::error_of([] { parse_augment_list("crop,blur"); });
  EXPECT_TRUE(dign::testing::contains(message, "augment: unknown augmentation")) << message;
  EXPECT_TRUE(dign::testing::contains(message, "'blur'")) << message;
  EXPECT_TRUE(dign::testing::contains(message, "crop,flip,jitter,rotate, or none")) << message;
}

TEST(AugmentPipeline, ListsAreCanonical) {
  // Any order, duplicates, "none" and empty items: the items in the order they run.
  EXPECT_EQ(to_list(parse_augment_list("rotate,flip,,flip,none")), "flip,rotate");
  EXPECT_EQ(to_list(parse_augment_list("")), "none");
  EXPECT_EQ(to_list(parse_augment_list("jitter,crop,rotate,flip")), "crop,flip,jitter,rotate");
  const auto message = dign::testing::error_of(
      [] { training_transforms("Crop", 32, 32, 32, "config.json: augment"); });
  EXPECT_TRUE(dign::testing::contains(message, "config.json: augment: unknown augmentation 'Crop'"))
      << message;
}

TEST(AugmentPipeline, NoAugmentationIsTheIdentity) {
  const auto img = ramp(6);
  std::vector<float> expected(3 * 36);
  uint8_to_float_chw(img.data(), 6, 6, expected.data());
  const Compose none = training_transforms("none", 6, 6, 6);
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(transformed(none, img, 6, 6, 1), expected);
}

TEST(AugmentPipeline, TheStoredSizeChoosesTheCrop) {
  const std::string all = "crop,flip,jitter,rotate";
  EXPECT_EQ(training_transforms(all, 32, 32, 32).names(),
            (Names{"crop", "flip", "jitter", "rotate"}));
  EXPECT_EQ(training_transforms(all, 32, 32, 32).to_list(), all);
  // Larger: the resized crop replaces the listed crop, and comes even when crop is not listed.
  EXPECT_EQ(training_transforms(all, 40, 40, 32).to_list(), "resized_crop,flip,jitter,rotate");
  EXPECT_EQ(training_transforms("flip", 32, 40, 32).to_list(), "resized_crop,flip");
  EXPECT_EQ(training_transforms("none", 40, 40, 32).to_list(), "resized_crop");
  // Smaller: padded to the output size at the bottom and right, then the listed crop.
  EXPECT_EQ(training_transforms("crop", 28, 28, 32).to_list(), "pad,crop");
  EXPECT_EQ(training_transforms("none", 28, 32, 32).to_list(), "pad");
  const auto smaller = training_transforms("none", 28, 30, 32);
  const auto& pad = dynamic_cast<const Pad&>(*smaller.transforms()[0]);
  EXPECT_EQ(pad.options().left(), 0);
  EXPECT_EQ(pad.options().top(), 0);
  EXPECT_EQ(pad.options().right(), 2);
  EXPECT_EQ(pad.options().bottom(), 4);
}

TEST(AugmentPipeline, TransformsCarryThePapersParameters) {
  const auto t = training_transforms("crop,flip,jitter,rotate", 32, 32, 32).transforms();
  EXPECT_EQ(dynamic_cast<const RandomCrop&>(*t[0]).options().padding(), 4);
  EXPECT_EQ(dynamic_cast<const HorizontalFlip&>(*t[1]).options().p(), 0.5);
  const auto& jitter = dynamic_cast<const ColorJitter&>(*t[2]).options();
  EXPECT_EQ(jitter.brightness(), 0.25);
  EXPECT_EQ(jitter.contrast(), 0.25);
  EXPECT_EQ(jitter.saturation(), 0.25);
  EXPECT_EQ(dynamic_cast<const RandomRotation&>(*t[3]).options().degrees(), 2.0);
  const auto resized = training_transforms("none", 40, 40, 32).transforms();
  EXPECT_EQ(dynamic_cast<const RandomResizedCrop&>(*resized[0]).options().size(), 32);
}

TEST(AugmentPipeline, LargerStoredImagesGetARandomResizedCrop) {
  const std::vector<uint8_t> img(40 * 40 * 3, 77);
  const auto out = transformed(training_transforms("crop", 40, 40, 32), img, 40, 40, 0);
  ASSERT_EQ(out.size(), 3u * 32 * 32);
  for (float v : out) EXPECT_NEAR(v, 77 / 255.0f, 1e-6f);  // a constant image stays constant
}

TEST(AugmentPipeline, SizesBelowOneAreErrors) {
  const auto message = dign::testing::error_of([] { training_transforms("crop", 32, 32, 0); });
  EXPECT_TRUE(dign::testing::contains(message, "augment: image sizes must be at least 1"))
      << message;
  EXPECT_TRUE(dign::testing::contains(message, "output 0")) << message;
}

}  // namespace
}  // namespace dign::augment
