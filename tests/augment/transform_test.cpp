#include "augment/transform.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "augment/augment_test_util.h"
#include "augment/horizontal_flip.h"
#include "augment/pad.h"
#include "test_util.h"

namespace dign::augment {
namespace {

using augment::testing::draws_of;

std::shared_ptr<const Transform> pad_right() {
  return std::make_shared<Pad>(PadOptions().right(1));
}
std::shared_ptr<const Transform> always_flip() {
  return std::make_shared<HorizontalFlip>(HorizontalFlipOptions().p(1.0));
}

TEST(TransformCompose, AppliesInOrder) {
  // 1x2 bytes [a | b]: pad right -> [a | b | 0], then flip -> [0 | b | a].
  const std::vector<uint8_t> bytes = {1, 2, 3, 4, 5, 6};
  Image image = from_uint8(bytes.data(), 1, 2);
  SampleRng rng(0);
  Compose({pad_right(), always_flip()}).apply(image, rng);
  EXPECT_EQ(image.width(), 3);
  EXPECT_EQ(image.bytes(), (std::vector<uint8_t>{0, 0, 0, 4, 5, 6, 1, 2, 3}));
  // The other order: flip -> [b | a], pad -> [b | a | 0].
  Image other = from_uint8(bytes.data(), 1, 2);
  Compose({always_flip(), pad_right()}).apply(other, rng);
  EXPECT_EQ(other.bytes(), (std::vector<uint8_t>{4, 5, 6, 1, 2, 3, 0, 0, 0}));
}

TEST(TransformCompose, NamesAndListForm) {
  Compose transforms;
  EXPECT_TRUE(transforms.empty());
  EXPECT_EQ(transforms.to_list(), "none");
  transforms.push_back(pad_right()).push_back(always_flip());
  EXPECT_EQ(transforms.names(), (std::vector<std::string>{"pad", "flip"}));
  EXPECT_EQ(transforms.to_list(), "pad,flip");
  // Nested chains list their transforms.
  Compose outer({std::make_shared<Compose>(transforms), pad_right()});
  EXPECT_EQ(outer.to_list(), "pad,flip,pad");
}

TEST(TransformCompose, EmptyIsTheIdentityAndDrawsNothing) {
  const std::vector<uint8_t> bytes = {9, 8, 7};
  Image image = from_uint8(bytes.data(), 1, 1);
  EXPECT_EQ(draws_of(Compose(), image, 3), 0);
  SampleRng rng(3);
  Compose().apply(image, rng);
  EXPECT_EQ(image.bytes(), bytes);
  // A chain draws what its transforms draw: one bernoulli per flip.
  EXPECT_EQ(draws_of(Compose({always_flip(), pad_right(), always_flip()}), image, 3), 2);
}

TEST(TransformCompose, NullTransformIsAnError) {
  const auto message = dign::testing::error_of([] { Compose({pad_right(), nullptr}); });
  EXPECT_TRUE(dign::testing::contains(message, "null transform at position 1")) << message;
}

}  // namespace
}  // namespace dign::augment
