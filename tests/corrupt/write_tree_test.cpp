// The ImageNet-C tree (write_tree.h): its layout and names, what reads back, and bad output
// directories.
#include "corrupt/write_tree.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include <cstring>
#include <filesystem>
#include <sstream>

#include "core/file_io.h"
#include "corrupt/registry.h"
#include "data/corrupted_set.h"
#include "test_util.h"

namespace dign::corrupt {
namespace {

namespace fs = std::filesystem;
using testing::contains;
using testing::error_of;

// n images of side x side in two ImageNette-like classes, class by class as the ImageFolder
// reader orders them, with the reader's file paths.
data::ImageSet folder_set(int64_t n, int64_t side = 224) {
  data::ImageSet set;
  set.height = set.width = side;
  set.pixels.resize(static_cast<size_t>(n * side * side * 3));
  for (size_t k = 0; k < set.pixels.size(); ++k) {
    set.pixels[k] = static_cast<uint8_t>((k * 7919 + k / 613) % 251);
  }
  set.class_names = {"n01440764", "n02102040"};
  for (int64_t i = 0; i < n; ++i) {
    const int64_t label = i < n / 2 ? 0 : 1;
    set.labels.push_back(label);
    set.sources.push_back("/data/val/" + set.class_names[static_cast<size_t>(label)] +
                          "/ILSVRC2012_val_0000" + std::to_string(10 + i) + ".JPEG");
  }
  return set;
}

GenerateOptions options() {
  GenerateOptions o;
  o.corruptions = {"jpeg_compression", "glass_blur"};
  o.severities = {1, 4};
  o.seed = 7;
  o.threads = 2;
  return o;
}

std::vector<uint8_t> read_all(const data::CorruptedSet& set, size_t c, size_t s) {
  std::vector<uint8_t> out(static_cast<size_t>(set.size() * set.image_bytes()));
  set.read(c, s, 0, set.size(), out.data());
  return out;
}

TEST(WriteCorruptedTree, ImageNetCTreeOfJpegsReadsBackAsTheGeneratedSet) {
  testing::TempDir dir;
  const auto images = folder_set(4);
  std::ostringstream text;
  StreamProgress progress(text);
  write_corrupted_tree(images, options(), dir.str("c"), {{"images", 4}}, progress);
  // <corruption>/<severity>/<class>/<original file name>, JPEG quality 85, manifest last.
  const fs::path file = dir.path() / "c/glass_blur/4/n02102040/ILSVRC2012_val_000013.JPEG";
  ASSERT_TRUE(fs::exists(file)) << text.str();
  const std::vector<uint8_t> bytes = read_file(file.string());
  ASSERT_GE(bytes.size(), 3u);
  EXPECT_EQ(bytes[0], 0xFF);  // a JPEG whatever the source's format
  EXPECT_EQ(bytes[1], 0xD8);
  EXPECT_TRUE(contains(text.str(), "c/jpeg_compression/1 (4 images")) << text.str();
  const auto manifest = nlohmann::json::parse(read_text_file(dir.str("c/manifest.json")));
  EXPECT_EQ(manifest["layout"], "imagenet-c");
  EXPECT_EQ(manifest["generator"]["final_jpeg_quality"], 85);
  EXPECT_EQ(manifest["generator"]["table"], "imagenet");
  EXPECT_EQ(manifest["severities"], nlohmann::json({1, 4}));

  // The folder reader gives exactly what --corrupted generate makes in memory (whose final save
  // at quality 85 is the file's encoding).
  const auto disk = data::open_corrupted_set(dir.str("c"));
  const auto memory = generate_corrupted(images, options());
  EXPECT_EQ(memory->options().final_jpeg_quality, 85);
  // The reader lists corruptions in the generator's order: glass_blur, jpeg_compression.
  ASSERT_EQ(disk->corruptions(), (std::vector<std::string>{"glass_blur", "jpeg_compression"}));
  ASSERT_EQ(disk->severities(), memory->severities());
  EXPECT_EQ(disk->labels(), memory->labels());
  for (size_t c = 0; c < 2; ++c) {
    for (size_t s = 0; s < 2; ++s) {
      EXPECT_EQ(read_all(*disk, 1 - c, s), read_all(*memory, c, s)) << c << " " << s;
    }
  }
}

TEST(WriteCorruptedTree, QualityZeroWritesLosslessPngsOfTheCorruptionsOutput) {
  testing::TempDir dir;
  const auto images = folder_set(2, 64);  // any table: Tiny-ImageNet-C is a tree too
  auto o = options();
  o.final_jpeg_quality = 0;
  SilentProgress progress;
  write_corrupted_tree(images, o, dir.str("t"), {}, progress);
  EXPECT_TRUE(fs::exists(dir.path() / "t/glass_blur/1/n01440764/ILSVRC2012_val_000010.png"));
  const auto disk = data::open_corrupted_set(dir.str("t"));
  const auto memory = generate_corrupted(images, o);
  EXPECT_EQ(read_all(*disk, 0, 1), read_all(*memory, 1, 1));  // glass_blur, severity 4
}

TEST(WriteCorruptedTree, NamesKeepTheSourceOrTheIndexAndRefuseFolderlessClasses) {
  data::ImageSet set = folder_set(2, 32);
  set.sources = {"/a/c0/photo.png", "batch.bin#1"};
  TreeNames names = tree_names(set, /*jpeg=*/true);
  EXPECT_EQ(names.files, (std::vector<std::string>{"photo.JPEG", "00000001.JPEG"}));
  EXPECT_EQ(names.folders, (std::vector<std::string>{"n01440764", "n02102040"}));
  EXPECT_EQ(tree_names(set, false).files[0], "photo.png");
  set.sources = {"/a/c0/x.png", "/a/c0/x.JPEG"};
  set.labels = {0, 0};
  EXPECT_TRUE(contains(error_of([&] { tree_names(set, true); }), "n01440764/x.JPEG"));
  set.class_names[0] = "circle/stripes";  // the synthetic data's class names
  const std::string message = error_of([&] { tree_names(set, true); });
  EXPECT_TRUE(contains(message, "layout") && contains(message, "--layout npy")) << message;
}

TEST(WriteCorruptedTree, RefusesFoldersItWouldNotWriteOrCouldClobber) {
  testing::TempDir dir;
  const auto images = folder_set(2, 32);
  SilentProgress progress;
  fs::create_directories(dir.path() / "stray/1");
  EXPECT_TRUE(
      contains(error_of([&] { write_corrupted_tree(images, options(), dir.str(), {}, progress); }),
               "holds the folder stray"));
  fs::remove_all(dir.path() / "stray");
  fs::create_directories(dir.path() / "glass_blur/1");  // not a tree dign wrote: kept
  EXPECT_TRUE(
      contains(error_of([&] { write_corrupted_tree(images, options(), dir.str(), {}, progress); }),
               "no manifest.json of a tree dign wrote"));
  fs::remove_all(dir.path() / "glass_blur");
  write_corrupted_tree(images, options(), dir.str(), {}, progress);
  // A tree dign wrote is rewritten in place: its old folders of the same names are replaced.
  auto o = options();
  o.severities = {2};
  write_corrupted_tree(images, o, dir.str(), {}, progress);
  EXPECT_FALSE(fs::exists(dir.path() / "glass_blur/1"));
  EXPECT_EQ(data::open_corrupted_set(dir.str())->severities(), std::vector<int>{2});
}

}  // namespace
}  // namespace dign::corrupt
