// The input of the 224 px table: Pillow's resize (data/pil_resize.h) and the ImageNet evaluation
// crop, through the ImageFolder reader (--resize 256 --image-size 224). The oracle test compares
// the crop with Pillow's on images of several shapes.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <string>

#include "core/error.h"
#include "corrupt_test_util.h"
#include "data/dataset.h"
#include "data/pil_resize.h"
#include "test_util.h"

namespace dign::data {
namespace {

using corrupt::test_util::random_image;
using testing::contains;
using testing::error_of;

cv::Mat random_rect(int rows, int cols, uint64_t seed) {
  return random_image(std::max(rows, cols), seed)(cv::Rect(0, 0, cols, rows)).clone();
}

TEST(PilResize, SameSizeIsACopyAndBoxAveragesWholePixels) {
  const cv::Mat image = random_image(30, 1);
  const cv::Mat same = pil_resize(image, 30, 30, PilFilter::kBilinear);
  EXPECT_EQ(cv::norm(same, image, cv::NORM_INF), 0);
  EXPECT_NE(same.data, image.data);
  // BOX 30 -> 10: each output is the rounded mean of 3 inputs per axis (two rounded passes).
  const cv::Mat small = pil_resize(image, 10, 10, PilFilter::kBox);
  cv::Mat rows(30, 10, CV_8UC3);
  for (int y = 0; y < 30; ++y) {
    for (int x = 0; x < 10; ++x) {
      for (int c = 0; c < 3; ++c) {
        int sum = 0;
        for (int k = 0; k < 3; ++k) sum += image.at<cv::Vec3b>(y, 3 * x + k)[c];
        rows.at<cv::Vec3b>(y, x)[c] = static_cast<uint8_t>(std::lround(sum / 3.0));
      }
    }
  }
  for (int y = 0; y < 10; ++y) {
    for (int x = 0; x < 10; ++x) {
      for (int c = 0; c < 3; ++c) {
        int sum = 0;
        for (int k = 0; k < 3; ++k) sum += rows.at<cv::Vec3b>(3 * y + k, x)[c];
        EXPECT_EQ(small.at<cv::Vec3b>(y, x)[c], std::lround(sum / 3.0)) << y << "," << x;
      }
    }
  }
}

TEST(PilResize, BilinearHalvingIsTheAntialiasedOneThreeThreeOneFilter) {
  // Shrinking by 2 widens the triangle to 2 input pixels: weights 1/8, 3/8, 3/8, 1/8 on inputs
  // 2o - 1 .. 2o + 2 (cv::INTER_LINEAR would average only 2o and 2o + 1). Columns alternate
  // 0, 255, so an interior output is (255 (3/8 + 1/8)) = 127.5 -> 128.
  cv::Mat stripes(4, 40, CV_8UC1);
  for (int x = 0; x < 40; ++x) stripes.col(x).setTo(x % 2 ? 255 : 0);
  const cv::Mat half = pil_resize(stripes, 20, 4, PilFilter::kBilinear);
  for (int x = 1; x < 19; ++x) EXPECT_EQ(half.at<uint8_t>(2, x), 128) << x;
  // Columns 0 0 0 255 255 255 ...: output 1 sees inputs 1..4 = 0, 0, 255, 255: 255 / 2.
  cv::Mat step(1, 8, CV_8UC1, cv::Scalar(0));
  step.colRange(3, 8).setTo(255);
  EXPECT_EQ(pil_resize(step, 4, 1, PilFilter::kBilinear).at<uint8_t>(0, 1), 128);
}

TEST(ImageNetCrop, ShorterSideTo256ThenTheCentreWithHalvesRoundedToEven) {
  EXPECT_EQ(shorter_side_size(500, 375, 256), cv::Size(341, 256));  // int(256 * 500 / 375)
  EXPECT_EQ(shorter_side_size(375, 500, 256), cv::Size(256, 341));
  EXPECT_EQ(shorter_side_size(300, 300, 256), cv::Size(256, 256));
  // Already 256 short: no resize, so the crop offset shows directly. Each column holds its index:
  // (341 - 224) / 2 = 58.5 -> 58, (343 - 224) / 2 = 59.5 -> 60, (342 - 224) / 2 = 59.
  for (auto [width, left] : {std::pair<int, int>{341, 58}, {343, 60}, {342, 59}}) {
    cv::Mat columns(256, width, CV_8UC1);
    for (int x = 0; x < width; ++x) columns.col(x).setTo(x % 256);
    const cv::Mat crop = imagenet_eval_crop(columns, 256, 224);
    ASSERT_EQ(crop.size(), cv::Size(224, 224));
    EXPECT_EQ(crop.at<uint8_t>(5, 0), left) << width;
    cv::Mat rows = columns.t();  // the same vertically: the top offset
    EXPECT_EQ(imagenet_eval_crop(rows, 256, 224).at<uint8_t>(0, 5), left) << width;
  }
  // Otherwise the crop of Pillow's bilinear resize.
  const cv::Mat photo = random_rect(375, 500, 4);
  const cv::Mat resized = pil_resize(photo, 341, 256, PilFilter::kBilinear);
  EXPECT_EQ(cv::norm(imagenet_eval_crop(photo, 256, 224), resized(cv::Rect(58, 16, 224, 224)),
                     cv::NORM_INF),
            0);
  EXPECT_TRUE(contains(error_of([&] { imagenet_eval_crop(photo, 200, 224); }), "crop <= resize"));
}

class ImageFolderResize : public ::testing::Test {
 protected:
  void SetUp() override {
    // train/<class>/ and val/<class>/ with images of several shapes.
    for (const char* split : {"train", "val"}) {
      for (int k = 0; k < 2; ++k) {
        const cv::Mat image = random_rect(300 + 40 * k, 420 - 30 * k, static_cast<uint64_t>(k));
        const std::string path = dir.str(std::string(split) + "/c" + std::to_string(k) + "/x.png");
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        ASSERT_TRUE(cv::imwrite(path, image));
        images[k] = image;  // written RGB as if BGR: the reader swaps back per channel alike
      }
    }
  }
  testing::TempDir dir;
  cv::Mat images[2];
};

TEST_F(ImageFolderResize, TestImagesGetTheImageNetCropAndTestOnlySkipsTraining) {
  DataOptions o;
  o.path = dir.str();
  o.image_size = 224;
  o.resize = 256;
  o.test_only = true;
  const Dataset d = load_dataset(o);
  EXPECT_EQ(d.train.size(), 0);
  EXPECT_EQ(d.train.class_names, (std::vector<std::string>{"c0", "c1"}));
  ASSERT_EQ(d.test.size(), 2);
  EXPECT_EQ(d.test.height, 224);
  for (int k = 0; k < 2; ++k) {
    cv::Mat expected = imagenet_eval_crop(images[k], 256, 224);
    cv::cvtColor(expected, expected, cv::COLOR_BGR2RGB);  // the reader stores RGB
    const cv::Mat got(224, 224, CV_8UC3, const_cast<uint8_t*>(d.test.image(k)));
    EXPECT_EQ(cv::norm(got, expected, cv::NORM_INF), 0) << k;
  }
  o.test_only = false;  // the training split keeps its own transform (random resized crop room)
  EXPECT_EQ(load_dataset(o).train.height, 256);
}

TEST_F(ImageFolderResize, BadResizeIsAnErrorNamingTheFlag) {
  DataOptions o;
  o.path = dir.str();
  o.resize = 256;  // without --image-size
  EXPECT_TRUE(contains(error_of([&] { load_dataset(o); }), "resize"))
      << error_of([&] { load_dataset(o); });
  o.image_size = 300;  // larger than the resize
  EXPECT_TRUE(contains(error_of([&] { load_dataset(o); }), "resize"));
  DataOptions synthetic;
  synthetic.resize = 256;
  synthetic.image_size = 224;
  EXPECT_TRUE(contains(error_of([&] { load_dataset(synthetic); }), "not to synthetic"));
}

}  // namespace
}  // namespace dign::data
