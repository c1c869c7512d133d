#include "data/tiny_imagenet_c.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "data/npy.h"
#include "image_test_util.h"
#include "test_util.h"

namespace dign::data {
namespace {

namespace fs = std::filesystem;
using testing::contains;
using testing::error_of;
using testing::TempDir;

constexpr int kHeight = 3, kWidth = 4;  // not square, so a transposition shows

// The tree's files in reader order: class folders sorted, files sorted by name (upper case
// first), extensions in any case; the contents are PNG whatever the name, so pixels are exact.
struct File {
  const char* folder;
  const char* name;
};
constexpr File kFiles[] = {{"n01", "a.JPEG"}, {"n01", "b.png"}, {"n02", "c.PNG"}};
constexpr int kSeverities[] = {1, 2, 4};

// Byte (y, x, channel) of RGB image `file` at (corruption, severity): every byte says where
// it is. corruption: 0 = fog, 1 = snow.
uint8_t value(int corruption, int severity, int file, int y, int x, int channel) {
  return static_cast<uint8_t>(corruption * 101 + severity * 29 + file * 13 + y * 17 + x * 5 +
                              channel);
}

cv::Mat bgr_image(int corruption, int severity, int file, int height = kHeight,
                  int width = kWidth) {
  cv::Mat image(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      for (int ch = 0; ch < 3; ++ch) {
        image.at<cv::Vec3b>(y, x)[2 - ch] = value(corruption, severity, file, y, x, ch);
      }
    }
  }
  return image;
}

fs::path file_path(const TempDir& dir, const std::string& corruption, int severity, int file) {
  return dir.path() / corruption / std::to_string(severity) / kFiles[file].folder /
         kFiles[file].name;
}

// fog and snow at severities 1, 2, 4; two classes of 2 and 1 images, plus things to ignore.
void write_tree(const TempDir& dir) {
  const char* corruptions[] = {"fog", "snow"};
  for (int c = 0; c < 2; ++c) {
    for (int s : kSeverities) {
      for (int f = 0; f < 3; ++f) {
        testing::write_image(file_path(dir, corruptions[c], s, f), bgr_image(c, s, f));
      }
      const fs::path folder = dir.path() / corruptions[c] / std::to_string(s);
      testing::write_text(folder / "n01" / "notes.txt", "not an image");
      fs::create_directories(folder / ".ipynb_checkpoints");
    }
  }
  testing::write_text(dir.path() / "README.txt", "Tiny-ImageNet-C");
}

TEST(TinyImageNetC, ReadsCorruptionsInGeneratorOrderClassesAndFilesSorted) {
  TempDir dir;
  write_tree(dir);
  ASSERT_TRUE(looks_like_tiny_imagenet_c(dir.str()));
  const auto set = open_tiny_imagenet_c(dir.str());
  // snow comes before fog in the generator's catalog.
  EXPECT_EQ(set->corruptions(), (std::vector<std::string>{"snow", "fog"}));
  EXPECT_EQ(set->severities(), (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(set->size(), 3);
  EXPECT_EQ(set->labels(), (std::vector<int64_t>{0, 0, 1}));
  EXPECT_EQ(set->class_names(), (std::vector<std::string>{"n01", "n02"}));
  EXPECT_EQ(set->height(), kHeight);
  EXPECT_EQ(set->width(), kWidth);
  EXPECT_EQ(set->describe()["layout"], "tiny-imagenet-c");

  // snow (0), severity 4 (index 2), images 1 and 2: RGB, row by row.
  std::vector<uint8_t> out(static_cast<size_t>(2 * set->image_bytes()));
  set->read(0, 2, 1, 2, out.data());
  for (int i = 0; i < 2; ++i) {
    for (int y = 0; y < kHeight; ++y) {
      for (int x = 0; x < kWidth; ++x) {
        for (int ch = 0; ch < 3; ++ch) {
          const size_t k = static_cast<size_t>(i * set->image_bytes() + (y * kWidth + x) * 3 + ch);
          ASSERT_EQ(out[k], value(1, 4, 1 + i, y, x, ch)) << i << " " << y << " " << x << " " << ch;
        }
      }
    }
  }
  const auto message = error_of([&] { set->read(0, 3, 0, 1, out.data()); });
  EXPECT_TRUE(contains(message, "read outside")) << message;
}

TEST(TinyImageNetC, UnknownCorruptionsComeLastAndReadsAreThreadSafe) {
  TempDir dir;
  write_tree(dir);
  for (int s : kSeverities) {
    for (int f = 0; f < 3; ++f)
      testing::write_image(file_path(dir, "a_mine", s, f), bgr_image(0, s, f));
  }
  const auto set = open_tiny_imagenet_c(dir.str());
  EXPECT_EQ(set->corruptions(), (std::vector<std::string>{"snow", "fog", "a_mine"}));

  // Concurrent readers see what one reader sees.
  const size_t bytes = static_cast<size_t>(3 * set->image_bytes());
  std::vector<uint8_t> expected(bytes * 9);
  for (size_t c = 0; c < 3; ++c) {
    for (size_t s = 0; s < 3; ++s) set->read(c, s, 0, 3, expected.data() + (c * 3 + s) * bytes);
  }
  std::vector<std::vector<uint8_t>> got(4, std::vector<uint8_t>(bytes * 9));
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      for (size_t k = 0; k < 9; ++k) set->read(k / 3, k % 3, 0, 3, got[t].data() + k * bytes);
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& g : got) EXPECT_EQ(g, expected);
}

TEST(TinyImageNetC, MalformedTreesAreOneErrorNamingThePath) {
  {  // empty directory
    TempDir dir;
    EXPECT_FALSE(looks_like_tiny_imagenet_c(dir.str()));
    const auto message = error_of([&] { open_tiny_imagenet_c(dir.str()); });
    EXPECT_TRUE(contains(message, dir.str() + ": holds no corruption folder")) << message;
  }
  {  // a severity missing in one corruption
    TempDir dir;
    write_tree(dir);
    fs::remove_all(dir.path() / "fog" / "4");
    const auto message = error_of([&] { open_tiny_imagenet_c(dir.str()); });
    EXPECT_TRUE(contains(
        message, dir.str("fog") + ": severities 1,2 differ from " + dir.str("snow") + "'s 1,2,4"))
        << message;
  }
  {  // a folder that is not a severity
    TempDir dir;
    write_tree(dir);
    fs::create_directories(dir.path() / "snow" / "6");
    const auto message = error_of([&] { open_tiny_imagenet_c(dir.str()); });
    EXPECT_TRUE(contains(message, dir.str("snow/6") + ": expected only severity folders"))
        << message;
  }
  {  // a file missing from one class folder
    TempDir dir;
    write_tree(dir);
    fs::remove(file_path(dir, "fog", 2, 1));
    const auto message = error_of([&] { open_tiny_imagenet_c(dir.str()); });
    EXPECT_TRUE(contains(
        message, dir.str("fog/2/n01") + ": image files differ from " + dir.str("snow/1/n01")))
        << message;
    EXPECT_TRUE(contains(message, "first difference: nothing here, 'b.png' there")) << message;
  }
  {  // an extra class folder
    TempDir dir;
    write_tree(dir);
    testing::write_image(dir.path() / "snow" / "2" / "n03" / "d.png", bgr_image(1, 2, 0));
    const auto message = error_of([&] { open_tiny_imagenet_c(dir.str()); });
    EXPECT_TRUE(
        contains(message, dir.str("snow/2") + ": class folders differ from " + dir.str("snow/1")))
        << message;
  }
  {  // an empty class folder
    TempDir dir;
    write_tree(dir);
    for (int f : {0, 1}) fs::remove(file_path(dir, "snow", 1, f));
    const auto message = error_of([&] { open_tiny_imagenet_c(dir.str()); });
    EXPECT_TRUE(contains(message, dir.str("snow/1/n01") + ": class folder holds no")) << message;
  }
}

TEST(TinyImageNetC, BadImagesAreErrorsNamingTheFiles) {
  {  // a whole severity folder at another size: found when opening
    TempDir dir;
    write_tree(dir);
    for (int f = 0; f < 3; ++f)
      testing::write_image(file_path(dir, "fog", 2, f), bgr_image(0, 2, f, 5, 5));
    const auto message = error_of([&] { open_tiny_imagenet_c(dir.str()); });
    EXPECT_TRUE(
        contains(message, "images differ in size: " + file_path(dir, "snow", 1, 0).string() +
                              " is 4x3 but " + file_path(dir, "fog", 2, 0).string() + " is 5x5"))
        << message;
  }
  {  // one image at another size: found when it is read
    TempDir dir;
    write_tree(dir);
    testing::write_image(file_path(dir, "fog", 2, 2), bgr_image(0, 2, 2, 3, 5));
    const auto set = open_tiny_imagenet_c(dir.str());
    std::vector<uint8_t> out(static_cast<size_t>(3 * set->image_bytes()));
    set->read(1, 1, 0, 2, out.data());  // fog, severity 2, the two good images
    const auto message = error_of([&] { set->read(1, 1, 0, 3, out.data()); });
    EXPECT_TRUE(contains(message, file_path(dir, "snow", 1, 0).string() + " is 4x3 but " +
                                      file_path(dir, "fog", 2, 2).string() + " is 5x3"))
        << message;
  }
  {  // an unreadable image
    TempDir dir;
    write_tree(dir);
    testing::write_text(file_path(dir, "snow", 4, 1), "not a PNG");
    const auto set = open_tiny_imagenet_c(dir.str());
    std::vector<uint8_t> out(static_cast<size_t>(3 * set->image_bytes()));
    const auto message = error_of([&] { set->read(0, 2, 0, 3, out.data()); });
    EXPECT_TRUE(contains(message, file_path(dir, "snow", 4, 1).string() + ": not a readable"))
        << message;
  }
  {  // an unreadable first image: found when opening
    TempDir dir;
    write_tree(dir);
    testing::write_text(file_path(dir, "fog", 1, 0), "");
    const auto message = error_of([&] { open_tiny_imagenet_c(dir.str()); });
    EXPECT_TRUE(contains(message, file_path(dir, "fog", 1, 0).string() + ": not a readable"))
        << message;
  }
}

TEST(TinyImageNetC, RelabelsByClassNameIntoTheModelsOrder) {
  TempDir dir;
  write_tree(dir);
  const auto set = open_tiny_imagenet_c(dir.str());
  // Tiny-ImageNet numbers classes in wnids.txt order, not sorted.
  set->relabel_by_name({"n02", "n00", "n01"});
  EXPECT_EQ(set->labels(), (std::vector<int64_t>{2, 2, 0}));
  EXPECT_EQ(set->class_names(), (std::vector<std::string>{"n02", "n00", "n01"}));
  // Reads still find the files (they are not found through the labels).
  std::vector<uint8_t> out(static_cast<size_t>(set->image_bytes()));
  set->read(1, 0, 2, 1, out.data());
  EXPECT_EQ(out[0], value(0, 1, 2, 0, 0, 0));
  const auto message = error_of([&] { set->relabel_by_name({"n01", "n03"}); });
  EXPECT_TRUE(contains(message, "class 'n02' is not one of the test data's 2 classes")) << message;
  EXPECT_TRUE(contains(message, dir.str())) << message;
}

TEST(OpenCorruptedSet, DispatchesBothLayoutsAndNamesThemOtherwise) {
  TempDir tiny;
  write_tree(tiny);
  EXPECT_EQ(open_corrupted_set(tiny.str())->describe()["layout"], "tiny-imagenet-c");

  TempDir cifar;
  write_npy(cifar.str("snow.npy"), NpyArray::u1({5, 2, 2, 3}, std::vector<uint8_t>(60, 7)));
  write_npy(cifar.str("labels.npy"), NpyArray::u1({5}, {1, 1, 1, 1, 1}));
  const auto set = open_corrupted_set(cifar.str());
  EXPECT_EQ(set->describe()["layout"], "cifar-c");
  EXPECT_TRUE(set->class_names().empty());
  set->relabel_by_name({"x"});  // nothing to map by: unchanged
  EXPECT_EQ(set->labels(), (std::vector<int64_t>{1}));

  // A directory of .npy files is CIFAR-10-C, and its reader says what is missing.
  fs::remove(cifar.path() / "labels.npy");
  EXPECT_TRUE(
      contains(error_of([&] { open_corrupted_set(cifar.str()); }), "labels.npy is missing"));

  TempDir neither;
  testing::write_text(neither.path() / "images" / "a.png", "x");
  const auto message = error_of([&] { open_corrupted_set(neither.str()); });
  EXPECT_TRUE(contains(message, "corrupted: " + neither.str() + ": no known layout")) << message;
  EXPECT_TRUE(contains(message, "CIFAR-10-C")) << message;
  EXPECT_TRUE(contains(message, "Tiny-ImageNet-C")) << message;
  EXPECT_TRUE(
      contains(error_of([&] { open_corrupted_set(neither.str("nope")); }), "not a directory"));
}

}  // namespace
}  // namespace dign::data
