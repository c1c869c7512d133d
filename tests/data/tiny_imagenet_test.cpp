#include "data/tiny_imagenet.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "image_test_util.h"
#include "test_util.h"

namespace dign::data {
namespace {
namespace fs = std::filesystem;
using dign::testing::contains;
using dign::testing::error_of;
using dign::testing::solid;
using dign::testing::TempDir;
using dign::testing::write_image;
using dign::testing::write_text;

// A 4x4 PNG of one colour with red = `value`, so every image can be told
// apart exactly (stored under .JPEG names: the decoder goes by content).
void write_png_bytes(const std::string& path, uint8_t value) {
  write_image(path, solid(4, 4, 0, 0, value));
}

uint8_t red_of(const ImageSet& set, int64_t i) {
  return set.image(i)[0];
}

// wnids in a deliberately unsorted order, with CRLF and padding.
void write_small_tiny_imagenet(const TempDir& dir) {
  write_text(dir.str("wnids.txt"), "n02\r\n  n01 \n\n");
  write_png_bytes(dir.str("train/n02/images/n02_1.JPEG"), 21);
  write_png_bytes(dir.str("train/n02/images/n02_0.JPEG"), 20);
  write_png_bytes(dir.str("train/n01/images/n01_0.jpeg"), 10);
  write_text(dir.str("train/n01/n01_boxes.txt"), "n01_0.JPEG\t0\t0\t3\t3\n");
  write_png_bytes(dir.str("val/images/val_1.JPEG"), 101);
  write_png_bytes(dir.str("val/images/val_0.JPEG"), 100);
  write_png_bytes(dir.str("val/images/val_2.Png"), 102);
  write_text(dir.str("val/val_annotations.txt"),
             "val_2.Png\tn02\t0\t0\t3\t3\n"
             "val_0.JPEG\tn01\t0\t1\t2\t3\n"
             "val_1.JPEG\tn02\t1\t1\t3\t3\r\n");
}

TEST(TinyImagenet, ReadsOfficialLayout) {
  TempDir dir;
  write_small_tiny_imagenet(dir);
  EXPECT_TRUE(looks_like_tiny_imagenet(dir.str()));
  const Dataset data = read_tiny_imagenet(dir.str(), {});
  EXPECT_EQ(data.name, "tiny-imagenet");
  EXPECT_EQ(data.train.class_names, (std::vector<std::string>{"n02", "n01"}));
  // Train: classes in wnids.txt order, files sorted by name within a class.
  EXPECT_EQ(data.train.labels, (std::vector<int64_t>{0, 0, 1}));
  ASSERT_EQ(data.train.size(), 3);
  EXPECT_EQ(red_of(data.train, 0), 20);
  EXPECT_EQ(red_of(data.train, 1), 21);
  EXPECT_EQ(red_of(data.train, 2), 10);
  EXPECT_EQ(data.train.height, 4);
  // Val (the test split): sorted by file name, labelled by the annotations.
  ASSERT_EQ(data.test.size(), 3);
  EXPECT_EQ(data.test.labels, (std::vector<int64_t>{1, 0, 0}));
  EXPECT_EQ(red_of(data.test, 0), 100);
  EXPECT_EQ(red_of(data.test, 1), 101);
  EXPECT_EQ(red_of(data.test, 2), 102);
  EXPECT_EQ(data.test.sources[0], dir.str("val/images/val_0.JPEG"));
  EXPECT_EQ(data.test.class_names, data.train.class_names);
}

TEST(TinyImagenet, ResizesLikeImageFolder) {
  TempDir dir;
  write_small_tiny_imagenet(dir);
  ImageFolderOptions options;
  options.image_size = 7;
  options.threads = 2;
  const Dataset data = read_tiny_imagenet(dir.str(), options);
  EXPECT_EQ(data.train.height, 8);  // round(7 * 8 / 7)
  EXPECT_EQ(data.test.height, 7);
  EXPECT_EQ(red_of(data.test, 2), 102);  // a flat colour survives resizing
}

TEST(TinyImagenet, UnknownWnidNamesFileAndLine) {
  TempDir dir;
  write_small_tiny_imagenet(dir);
  write_text(dir.str("val/val_annotations.txt"),
             "val_0.JPEG\tn01\t0\t0\t1\t1\n"
             "val_1.JPEG\tn99\t0\t0\t1\t1\n");
  const std::string message = error_of([&] { read_tiny_imagenet(dir.str(), {}); });
  EXPECT_TRUE(contains(message, dir.str("val/val_annotations.txt") + ":2") &&
              contains(message, "n99"))
      << message;
}

TEST(TinyImagenet, MissingOrUnannotatedValImageIsAnError) {
  TempDir dir;
  write_small_tiny_imagenet(dir);
  write_text(dir.str("val/val_annotations.txt"),
             "val_0.JPEG\tn01\t0\t0\t1\t1\n"
             "\n"
             "gone.JPEG\tn02\t0\t0\t1\t1\n");
  std::string message = error_of([&] { read_tiny_imagenet(dir.str(), {}); });
  EXPECT_TRUE(contains(message, dir.str("val/val_annotations.txt") + ":3") &&
              contains(message, "gone.JPEG") && contains(message, "does not exist"))
      << message;

  write_text(dir.str("val/val_annotations.txt"), "val_0.JPEG\tn01\t0\t0\t1\t1\n");
  message = error_of([&] { read_tiny_imagenet(dir.str(), {}); });
  EXPECT_TRUE(contains(message, dir.str("val/images/val_1.JPEG")) && contains(message, "no line"))
      << message;

  write_text(dir.str("val/val_annotations.txt"), "../../wnids.txt\tn01\n");
  message = error_of([&] { read_tiny_imagenet(dir.str(), {}); });
  EXPECT_TRUE(contains(message, ":1") && contains(message, "not a file name")) << message;
}

TEST(TinyImagenet, MissingTrainFolderIsAnError) {
  TempDir dir;
  write_small_tiny_imagenet(dir);
  write_text(dir.str("wnids.txt"), "n02\nn01\nn03\n");
  std::string message = error_of([&] { read_tiny_imagenet(dir.str(), {}); });
  EXPECT_TRUE(contains(message, dir.str("train/n03/images"))) << message;

  write_text(dir.str("wnids.txt"), "n02\nn01\nn02\n");
  message = error_of([&] { read_tiny_imagenet(dir.str(), {}); });
  EXPECT_TRUE(contains(message, "wnids.txt:3") && contains(message, "twice")) << message;
}

TEST(TinyImagenet, RecognisesOnlyTinyImagenetFolders) {
  TempDir dir;
  EXPECT_FALSE(looks_like_tiny_imagenet(dir.str()));
  write_text(dir.str("wnids.txt"), "n01\n");
  EXPECT_FALSE(looks_like_tiny_imagenet(dir.str()));  // no train/
  fs::create_directories(dir.str("train"));
  EXPECT_TRUE(looks_like_tiny_imagenet(dir.str()));
}

}  // namespace
}  // namespace dign::data
