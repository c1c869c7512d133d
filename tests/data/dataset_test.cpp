#include "data/dataset.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace dign::data {
namespace {

// 1x1 images whose single pixel value is the image index; labels as given.
ImageSet tiny_set(const std::vector<int64_t>& labels, int64_t classes) {
  ImageSet s;
  s.height = s.width = 1;
  for (size_t i = 0; i < labels.size(); ++i) {
    s.pixels.insert(s.pixels.end(), 3, static_cast<uint8_t>(i));
    s.labels.push_back(labels[i]);
  }
  for (int64_t c = 0; c < classes; ++c) s.class_names.push_back("c" + std::to_string(c));
  return s;
}

TEST(LimitPerClass, TakesFloorNOverCPlusOneForTheFirstClasses) {
  // Classes 0, 1, 2 have 5, 1 and 5 images. N = 7, C = 3: quotas 3, 2, 2;
  // class 1 has only 1 image, so 3 + 1 + 2 = 6 are taken, in reader order.
  const auto set = tiny_set({0, 2, 0, 1, 2, 0, 2, 0, 2, 0, 2}, 3);
  std::vector<int64_t> per_class;
  const auto indices = limit_per_class(set, 7, &per_class);
  EXPECT_EQ(per_class, (std::vector<int64_t>{3, 1, 2}));
  EXPECT_EQ(indices, (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
}

TEST(LimitImages, SelectsFromAKeptSetOrTakesAWholeOneOver) {
  const auto set = tiny_set({0, 1, 1, 0, 1}, 2);
  std::vector<int64_t> per_class;
  const ImageSet limited = limit_images(set, 3, &per_class);  // quotas 2, 1
  EXPECT_EQ(limited.labels, (std::vector<int64_t>{0, 1, 0}));
  EXPECT_EQ(limited.pixels, (std::vector<uint8_t>{0, 0, 0, 1, 1, 1, 3, 3, 3}));
  EXPECT_EQ(per_class, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(set.size(), 5);  // the kept set is untouched
  EXPECT_EQ(limit_images(set, 0).labels, set.labels);
  ImageSet whole = set;
  const ImageSet taken = limit_images(std::move(whole), 0);
  EXPECT_EQ(taken.pixels, set.pixels);
  EXPECT_EQ(taken.class_names, set.class_names);
}

TEST(SplitValidation, HoldsOutAStratifiedSubsetAndKeepsTheRest) {
  const auto set = tiny_set({0, 1, 0, 1, 0, 1}, 2);
  auto [train, val] = split_validation(set, 2);
  EXPECT_EQ(val.labels, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(val.pixels[0], 0);
  EXPECT_EQ(val.pixels[3], 1);
  EXPECT_EQ(train.size(), 4);
  EXPECT_EQ(train.pixels[0], 2);
  EXPECT_TRUE(testing::contains(testing::error_of([&] { split_validation(set, 6); }), "val_split"));
}

TEST(ContentHash, ChangesWithAnyPixelOrLabel) {
  auto set = tiny_set({0, 1}, 2);
  const auto h = content_hash(set);
  EXPECT_EQ(h.rfind("xxh3:", 0), 0u);
  EXPECT_EQ(h, content_hash(tiny_set({0, 1}, 2)));
  auto other = set;
  other.pixels[4] ^= 1;
  EXPECT_NE(h, content_hash(other));
  other = set;
  other.labels[1] = 0;
  EXPECT_NE(h, content_hash(other));
}

TEST(ChannelStatistics, MatchesAHandComputedCase) {
  // Two pixels: R = 0 and 255 -> mean 0.5, std 0.5; G = B = 51 -> mean 0.2, std 0.
  ImageSet s;
  s.height = 1;
  s.width = 2;
  s.pixels = {0, 51, 51, 255, 51, 51};
  s.labels = {0};
  const auto [mean, std] = channel_statistics(s);
  EXPECT_NEAR(mean[0], 0.5, 1e-12);
  EXPECT_NEAR(std[0], 0.5, 1e-12);
  EXPECT_NEAR(mean[1], 0.2, 1e-12);
  EXPECT_NEAR(std[1], 0.0, 1e-5);
}

TEST(LoadDataset, SyntheticAndBadPaths) {
  DataOptions o;
  o.synthetic_train = 40;
  o.synthetic_test = 20;
  const auto d = load_dataset(o);
  EXPECT_EQ(d.train.size(), 40);
  EXPECT_EQ(d.test.size(), 20);
  EXPECT_EQ(d.train.num_classes(), 10);
  testing::TempDir dir;
  o.path = dir.str();
  const auto empty = testing::error_of([&] { load_dataset(o); });
  EXPECT_TRUE(testing::contains(empty, dir.str())) << empty;
  o.path = dir.str("missing");
  EXPECT_TRUE(testing::contains(testing::error_of([&] { load_dataset(o); }), "not a directory"));
  o.path = "synthetic";
  o.format = "zip";
  EXPECT_TRUE(testing::contains(testing::error_of([&] { load_dataset(o); }), "format"));
}

}  // namespace
}  // namespace dign::data
