#include "data/image_folder.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
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
using dign::testing::forged_png;
using dign::testing::solid;
using dign::testing::TempDir;
using dign::testing::write_bytes;
using dign::testing::write_image;

cv::Mat noise(int height, int width, uint64_t seed) {
  cv::Mat image(height, width, CV_8UC3);
  cv::RNG rng(seed);
  rng.fill(image, cv::RNG::UNIFORM, 0, 256);
  return image;
}

std::vector<uint8_t> rgb_at(const ImageSet& set, int64_t i, int64_t y, int64_t x) {
  const uint8_t* p = set.image(i) + (y * set.width + x) * 3;
  return {p[0], p[1], p[2]};
}

using Rgb = std::vector<uint8_t>;

TEST(ImageFolder, ReadsSortedLayoutInRgbOrder) {
  TempDir dir;
  // 3 wide, 2 high; BGR (b, g, r) = (x, 10 * y, 100 + x + y) per pixel.
  cv::Mat known(2, 3, CV_8UC3);
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 3; ++x) known.at<cv::Vec3b>(y, x) = cv::Vec3b(x, 10 * y, 100 + x + y);
  }
  write_image(dir.str("train/dog/c.png"), solid(2, 3, 1, 2, 3));
  write_image(dir.str("train/cat/b.png"), solid(2, 3, 4, 5, 6));
  write_image(dir.str("train/cat/a.png"), known);
  write_bytes(dir.str("train/cat/notes.txt"), {'h', 'i'});
  write_image(dir.str("train/cat/._a.png"), known);  // macOS metadata twin: ignored
  fs::create_directories(dir.str("train/.ipynb_checkpoints"));
  write_image(dir.str("test/dog/d.png"), known);

  EXPECT_TRUE(looks_like_image_folder(dir.str()));
  const Dataset data = read_image_folder(dir.str(), {});
  EXPECT_EQ(data.name, "imagefolder");
  EXPECT_EQ(data.format, "imagefolder");
  EXPECT_EQ(data.train.class_names, (std::vector<std::string>{"cat", "dog"}));
  EXPECT_EQ(data.train.labels, (std::vector<int64_t>{0, 0, 1}));
  EXPECT_EQ(data.train.sources,
            (std::vector<std::string>{dir.str("train/cat/a.png"), dir.str("train/cat/b.png"),
                                      dir.str("train/dog/c.png")}));
  EXPECT_EQ(data.train.height, 2);
  EXPECT_EQ(data.train.width, 3);
  ASSERT_EQ(data.train.pixels.size(), 3u * 2 * 3 * 3);
  // (y=1, x=2): BGR (2, 10, 103) is stored as RGB (103, 10, 2).
  EXPECT_EQ(rgb_at(data.train, 0, 1, 2), (Rgb{103, 10, 2}));
  EXPECT_EQ(rgb_at(data.train, 0, 0, 0), (Rgb{100, 0, 0}));
  EXPECT_EQ(rgb_at(data.train, 1, 1, 1), (Rgb{6, 5, 4}));
  EXPECT_EQ(data.test.labels, (std::vector<int64_t>{1}));
  EXPECT_EQ(data.test.class_names, data.train.class_names);
  EXPECT_EQ(rgb_at(data.test, 0, 0, 1), (Rgb{101, 0, 1}));
}

TEST(ImageFolder, UsesValWhenThereIsNoTest) {
  TempDir dir;
  write_image(dir.str("train/a/1.png"), solid(4, 4, 0, 0, 0));
  write_image(dir.str("train/b/1.png"), solid(4, 4, 0, 0, 0));
  write_image(dir.str("val/b/1.png"), solid(4, 4, 9, 8, 7));
  EXPECT_TRUE(looks_like_image_folder(dir.str()));
  Dataset data = read_image_folder(dir.str(), {});
  EXPECT_EQ(data.test.labels, (std::vector<int64_t>{1}));
  EXPECT_EQ(rgb_at(data.test, 0, 3, 3), (Rgb{7, 8, 9}));
  // With both, test/ wins.
  write_image(dir.str("test/a/1.png"), solid(4, 4, 0, 0, 0));
  write_image(dir.str("test/a/2.png"), solid(4, 4, 0, 0, 0));
  data = read_image_folder(dir.str(), {});
  EXPECT_EQ(data.test.labels, (std::vector<int64_t>{0, 0}));
}

TEST(ImageFolder, RecognisesOnlyImageFolders) {
  TempDir dir;
  EXPECT_FALSE(looks_like_image_folder(dir.str()));
  fs::create_directories(dir.str("train/a"));
  EXPECT_FALSE(looks_like_image_folder(dir.str()));  // no test/ or val/
  fs::create_directories(dir.str("val"));
  EXPECT_TRUE(looks_like_image_folder(dir.str()));
  fs::remove_all(dir.str("train/a"));
  EXPECT_FALSE(looks_like_image_folder(dir.str()));  // no class folder
}

TEST(ImageFolder, MatchesExtensionsCaseInsensitively) {
  EXPECT_TRUE(has_image_extension("x.JPEG"));
  EXPECT_TRUE(has_image_extension("x.Png"));
  EXPECT_TRUE(has_image_extension("a.b.jpg"));
  EXPECT_FALSE(has_image_extension("x.gif"));
  EXPECT_FALSE(has_image_extension("jpg"));
  TempDir dir;
  write_image(dir.str("train/a/1.JPEG"), solid(6, 6, 200, 100, 50), ".jpg");
  write_image(dir.str("train/a/2.Png"), solid(6, 6, 1, 2, 3));
  write_image(dir.str("train/a/3.jpg"), solid(6, 6, 1, 2, 3), ".jpg");
  write_image(dir.str("train/a/4.gif"), solid(6, 6, 1, 2, 3));  // ignored
  write_image(dir.str("test/a/1.jpeg"), solid(6, 6, 1, 2, 3), ".jpg");
  const Dataset data = read_image_folder(dir.str(), {});
  EXPECT_EQ(data.train.size(), 3);
  EXPECT_EQ(data.test.size(), 1);
  // JPEG is lossy: a flat colour comes back within a few levels.
  const Rgb pixel = rgb_at(data.train, 0, 2, 2);
  EXPECT_NEAR(pixel[0], 50, 4);
  EXPECT_NEAR(pixel[1], 100, 4);
  EXPECT_NEAR(pixel[2], 200, 4);
}

TEST(ImageFolder, ConvertsGrayscaleAndDropsAlpha) {
  TempDir dir;
  write_image(dir.str("train/a/gray.png"), cv::Mat(3, 3, CV_8UC1, cv::Scalar(77)));
  write_image(dir.str("train/a/rgba.png"), cv::Mat(3, 3, CV_8UC4, cv::Scalar(10, 20, 30, 0)));
  write_image(dir.str("test/a/x.png"), solid(3, 3, 0, 0, 0));
  const Dataset data = read_image_folder(dir.str(), {});
  EXPECT_EQ(rgb_at(data.train, 0, 1, 1), (Rgb{77, 77, 77}));
  EXPECT_EQ(rgb_at(data.train, 1, 2, 0), (Rgb{30, 20, 10}));
}

TEST(ImageFolder, EmptyClassFolderIsAnError) {
  TempDir dir;
  write_image(dir.str("train/a/1.png"), solid(2, 2, 0, 0, 0));
  write_bytes(dir.str("train/b/readme.txt"), {'x'});
  write_image(dir.str("test/a/1.png"), solid(2, 2, 0, 0, 0));
  std::string message = error_of([&] { read_image_folder(dir.str(), {}); });
  EXPECT_TRUE(contains(message, dir.str("train/b")) && contains(message, "no .jpg")) << message;

  fs::remove_all(dir.str("train/b"));
  fs::create_directories(dir.str("test/a_empty"));
  fs::create_directories(dir.str("train/a_empty"));
  write_image(dir.str("train/a_empty/1.png"), solid(2, 2, 0, 0, 0));
  message = error_of([&] { read_image_folder(dir.str(), {}); });
  EXPECT_TRUE(contains(message, dir.str("test/a_empty"))) << message;
}

TEST(ImageFolder, UnknownTestClassIsAnError) {
  TempDir dir;
  write_image(dir.str("train/a/1.png"), solid(2, 2, 0, 0, 0));
  write_image(dir.str("test/zebra/1.png"), solid(2, 2, 0, 0, 0));
  const std::string message = error_of([&] { read_image_folder(dir.str(), {}); });
  EXPECT_TRUE(contains(message, dir.str("test/zebra")) && contains(message, "not found"))
      << message;
}

TEST(ImageFolder, UndecodableImageIsAnError) {
  TempDir dir;
  write_image(dir.str("train/a/1.png"), solid(2, 2, 0, 0, 0));
  write_bytes(dir.str("train/a/2.png"),
              {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'});
  write_image(dir.str("test/a/1.png"), solid(2, 2, 0, 0, 0));
  std::string message = error_of([&] { read_image_folder(dir.str(), {}); });
  EXPECT_TRUE(contains(message, dir.str("train/a/2.png"))) << message;

  // A valid header with the image data cut off.
  std::vector<uint8_t> png;
  ASSERT_TRUE(cv::imencode(".png", noise(16, 16, 1), png));
  png.resize(40);
  write_bytes(dir.str("train/a/2.png"), png);
  message = error_of([&] { read_image_folder(dir.str(), {}); });
  EXPECT_TRUE(contains(message, dir.str("train/a/2.png")) && contains(message, "cannot decode"))
      << message;
}

TEST(ImageFolder, DifferingSizesNeedImageSize) {
  TempDir dir;
  write_image(dir.str("train/a/1.png"), solid(8, 8, 0, 0, 0));
  write_image(dir.str("train/b/2.png"), solid(9, 8, 0, 0, 0));  // 8 wide, 9 high
  write_image(dir.str("test/a/1.png"), solid(8, 8, 0, 0, 0));
  std::string message = error_of([&] { read_image_folder(dir.str(), {}); });
  EXPECT_TRUE(contains(message, "images differ in size: " + dir.str("train/a/1.png") +
                                    " is 8x8 but " + dir.str("train/b/2.png") +
                                    " is 8x9; pass --image-size N"))
      << message;

  // The test split must match the first training image too.
  write_image(dir.str("train/b/2.png"), solid(8, 8, 0, 0, 0));
  write_image(dir.str("test/a/1.png"), solid(8, 7, 0, 0, 0));
  message = error_of([&] { read_image_folder(dir.str(), {}); });
  EXPECT_TRUE(contains(message, dir.str("train/a/1.png")) &&
              contains(message, dir.str("test/a/1.png")) && contains(message, "7x8"))
      << message;
  // image_size makes them agree.
  ImageFolderOptions options;
  options.image_size = 4;
  EXPECT_NO_THROW(read_image_folder(dir.str(), options));
}

TEST(ImageFolder, ResizesShorterSideAndCentreCrops) {
  TempDir dir;
  // 40 wide, 20 high: left half red, right half blue.
  cv::Mat halves = solid(20, 40, 0, 0, 255);
  halves(cv::Rect(20, 0, 20, 20)).setTo(cv::Scalar(255, 0, 0));
  write_image(dir.str("train/a/1.png"), halves);
  write_image(dir.str("test/a/1.png"), halves);
  write_image(dir.str("test/a/2.png"), solid(4, 4, 1, 2, 3));  // grows to 10x10
  ImageFolderOptions options;
  options.image_size = 10;
  const Dataset data = read_image_folder(dir.str(), options);
  // Test: 40x20 -> 20x10 (INTER_AREA, exact 2x2 means), crop x in [5, 15):
  // resized columns 5..9 red, 10..14 blue.
  EXPECT_EQ(data.test.height, 10);
  EXPECT_EQ(data.test.width, 10);
  for (int y = 0; y < 10; ++y) {
    for (int x = 0; x < 10; ++x) {
      EXPECT_EQ(rgb_at(data.test, 0, y, x), x < 5 ? (Rgb{255, 0, 0}) : (Rgb{0, 0, 255}))
          << y << "," << x;
      EXPECT_EQ(rgb_at(data.test, 1, y, x), (Rgb{3, 2, 1})) << y << "," << x;
    }
  }
  // Train: side round(10 * 8 / 7) = 11; 40x20 -> 22x11, crop x in [5, 16):
  // resized column 5 covers source columns 9.1..10.9 (red), column 15 covers 27.3..29.1 (blue).
  EXPECT_EQ(data.train.height, 11);
  EXPECT_EQ(data.train.width, 11);
  EXPECT_EQ(rgb_at(data.train, 0, 5, 0), (Rgb{255, 0, 0}));
  EXPECT_EQ(rgb_at(data.train, 0, 5, 10), (Rgb{0, 0, 255}));
}

TEST(ImageFolder, RefusesForgedHugeHeaderBeforeDecoding) {
  TempDir dir;
  // PNG signature + IHDR claiming 60000x60000 (about 10 GB as RGB), no pixel data.
  const std::vector<uint8_t> png = forged_png(60000, 60000);
  write_image(dir.str("train/a/1.png"), solid(2, 2, 0, 0, 0));
  write_bytes(dir.str("train/a/2.png"), png);
  write_image(dir.str("test/a/1.png"), solid(2, 2, 0, 0, 0));
  const std::string message = error_of([&] { read_image_folder(dir.str(), {}); });
  EXPECT_TRUE(contains(message, dir.str("train/a/2.png")) && contains(message, "60000x60000"))
      << message;
}

TEST(ImageFolder, ResultDoesNotDependOnThreadCount) {
  TempDir dir;
  for (int c = 0; c < 3; ++c) {
    for (int i = 0; i < 5; ++i) {
      const std::string name = "c" + std::to_string(c) + "/" + std::to_string(i) + ".png";
      write_image(dir.str("train/" + name), noise(12 + i, 20 - c, 10 * c + i));
      if (i < 2) write_image(dir.str("test/" + name), noise(9 + c, 9 + i, 100 + 10 * c + i));
    }
  }
  ImageFolderOptions one;
  one.image_size = 8;
  ImageFolderOptions three = one;
  three.threads = 3;
  const Dataset a = read_image_folder(dir.str(), one);
  const Dataset b = read_image_folder(dir.str(), three);
  EXPECT_EQ(a.train.size(), 15);
  EXPECT_EQ(a.test.size(), 6);
  EXPECT_EQ(a.train.pixels, b.train.pixels);
  EXPECT_EQ(a.train.labels, b.train.labels);
  EXPECT_EQ(a.train.sources, b.train.sources);
  EXPECT_EQ(a.test.pixels, b.test.pixels);
  EXPECT_EQ(a.test.labels, b.test.labels);

  // With several bad files the first one in listing order is reported.
  write_bytes(dir.str("train/c1/3.png"), {'x'});
  write_bytes(dir.str("train/c2/0.png"), {'y'});
  const std::string message = error_of([&] { read_image_folder(dir.str(), three); });
  EXPECT_TRUE(contains(message, dir.str("train/c1/3.png"))) << message;
}

TEST(ImageFolder, ValidatesOptions) {
  TempDir dir;
  write_image(dir.str("train/a/1.png"), solid(2, 2, 0, 0, 0));
  write_image(dir.str("test/a/1.png"), solid(2, 2, 0, 0, 0));
  ImageFolderOptions options;
  options.threads = 0;
  EXPECT_TRUE(contains(error_of([&] { read_image_folder(dir.str(), options); }), "threads"));
  options.threads = 1;
  options.image_size = -1;
  EXPECT_TRUE(contains(error_of([&] { read_image_folder(dir.str(), options); }), "image_size"));
  EXPECT_THROW(read_image_folder(dir.str("missing"), {}), Error);
}

}  // namespace
}  // namespace dign::data
