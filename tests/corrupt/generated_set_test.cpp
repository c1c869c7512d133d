#include "corrupt/generated_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "core/file_io.h"
#include "corrupt/digital.h"
#include "corrupt/registry.h"
#include "corrupt/write_set.h"
#include "data/cifar_c.h"
#include "data/npy.h"
#include "test_util.h"

namespace dign::corrupt {
namespace {

using testing::contains;
using testing::error_of;

data::ImageSet small_set(int64_t n, int64_t side = 32) {
  data::ImageSet set;
  set.height = set.width = side;
  set.pixels.resize(static_cast<size_t>(n * side * side * 3));
  for (size_t k = 0; k < set.pixels.size(); ++k) {
    set.pixels[k] = static_cast<uint8_t>((k * 7919 + k / 97) % 251);
  }
  for (int64_t i = 0; i < n; ++i) set.labels.push_back(i % 3);
  set.class_names = {"a", "b", "c"};
  return set;
}

GenerateOptions options(int threads) {
  GenerateOptions o;
  o.corruptions = {"shot_noise", "contrast", "glass_blur"};
  o.severities = {4, 2};
  o.seed = 11;
  o.threads = threads;
  return o;
}

TEST(GeneratedSet, EqualsCorruptImageWhateverTheThreadsAndBatches) {
  const auto images = small_set(7);
  const auto one = generate_corrupted(images, options(1));
  const auto three = generate_corrupted(images, options(3));
  EXPECT_EQ(one->severities(), (std::vector<int>{2, 4}));  // sorted, lowest first
  std::vector<uint8_t> a(static_cast<size_t>(7 * one->image_bytes()));
  std::vector<uint8_t> b(a.size());
  for (size_t c = 0; c < 3; ++c) {
    one->read(c, 1, 0, 7, a.data());
    three->read(c, 1, 0, 4, b.data());
    three->read(c, 1, 4, 3, b.data() + 4 * one->image_bytes());
    EXPECT_EQ(a, b) << c;
    // Image 5 is exactly what corrupt_image gives for index 5 at severity 4.
    const cv::Mat rgb(32, 32, CV_8UC3, const_cast<uint8_t*>(images.image(5)));
    const cv::Mat expected =
        corrupt_image(find_corruption(one->corruptions()[c]), rgb, 4, 11, 5, Context{});
    EXPECT_EQ(0, std::memcmp(expected.data, a.data() + 5 * one->image_bytes(),
                             static_cast<size_t>(one->image_bytes())));
  }
}

TEST(GeneratedSet, ReadRowsGeneratesTheGivenRowsOnlyAsCorruptImageDoes) {
  // A sharded evaluation's rank reads its rows of a batch (strided, distributed::shard_positions):
  // each equals corrupt_image at its index, the others stay as they were (here 0xAB), for the
  // set's own override and for the base class's one-by-one default.
  const auto images = small_set(7);
  const auto set = generate_corrupted(images, options(2));
  const auto bytes = static_cast<size_t>(set->image_bytes());
  const std::vector<std::vector<int64_t>> cases = {{0, 2, 4}, {1, 3, 5}, {2, 5}, {}, {5}};
  for (const auto& rows : cases) {
    std::vector<uint8_t> got(6 * bytes, 0xAB);
    set->read_rows(2, 0, 1, 6, rows, got.data());  // images 1-6 at severity 2 (sorted first)
    std::vector<uint8_t> by_default(6 * bytes, 0xAB);
    set->data::CorruptedSet::read_rows(2, 0, 1, 6, rows, by_default.data());
    EXPECT_EQ(got, by_default) << rows.size();
    for (int64_t i = 0; i < 6; ++i) {
      const auto row = got.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(i) * bytes);
      if (std::find(rows.begin(), rows.end(), i) != rows.end()) {
        const cv::Mat rgb(32, 32, CV_8UC3, const_cast<uint8_t*>(images.image(1 + i)));
        const cv::Mat expected =
            corrupt_image(find_corruption(set->corruptions()[2]), rgb, 2, 11, 1 + i, Context{});
        EXPECT_EQ(0, std::memcmp(expected.data, &*row, bytes)) << "row " << i;
      } else {
        EXPECT_TRUE(std::all_of(row, row + static_cast<std::ptrdiff_t>(bytes),
                                [](uint8_t v) { return v == 0xAB; }))
            << "row " << i;
      }
    }
  }
  EXPECT_TRUE(contains(error_of([&] {
                         std::vector<uint8_t> out(6 * bytes);
                         set->read_rows(2, 0, 1, 6, {6}, out.data());
                       }),
                       "row 6 outside [0, 6)"));
}

TEST(GeneratedSet, DefaultsAndBadOptions) {
  const auto images = small_set(2);
  EXPECT_EQ(generate_corrupted(images, GenerateOptions())->corruptions().size(), 19u);
  const auto tiny = small_set(2, 64);
  EXPECT_EQ(generate_corrupted(tiny, GenerateOptions())->corruptions().size(), 15u);
  const auto odd = small_set(2, 48);
  const auto size_error = error_of([&] { generate_corrupted(odd, GenerateOptions()); });
  EXPECT_TRUE(contains(size_error, "48x48")) << size_error;
  EXPECT_TRUE(contains(size_error, "32x32")) << size_error;
  EXPECT_TRUE(contains(size_error, "64x64")) << size_error;
  auto o = options(1);
  o.corruptions = {"snow", "rain"};
  EXPECT_TRUE(contains(error_of([&] { resolved(o, Table::kCifar); }), "unknown corruption 'rain'"));
  o = options(1);
  o.severities = {1, 6};
  EXPECT_TRUE(contains(error_of([&] { resolved(o, Table::kCifar); }), "severities"));
  o.severities = {2, 2};
  EXPECT_TRUE(contains(error_of([&] { resolved(o, Table::kCifar); }), "listed twice"));
  o = options(1);
  o.frost_dir = "/nonexistent/frost";
  o.corruptions = {"frost"};
  EXPECT_TRUE(contains(error_of([&] { generate_corrupted(images, o); }), "/nonexistent/frost"));
}

TEST(GeneratedSet, TinyImagesGetTheWritersFinalJpegSaveAtQuality85) {
  const auto tiny = small_set(3, 64);
  auto o = options(2);
  o.corruptions = {"jpeg_compression", "shot_noise"};  // jpeg_compression: compressed twice
  const auto set = generate_corrupted(tiny, o);
  EXPECT_EQ(set->options().final_jpeg_quality, 85);
  EXPECT_EQ(set->describe()["final_jpeg_quality"], 85);
  EXPECT_EQ(set->context().table, Table::kTiny);
  o.final_jpeg_quality = 0;  // none
  const auto plain = generate_corrupted(tiny, o);
  EXPECT_TRUE(plain->describe()["final_jpeg_quality"].is_null());
  const auto bytes = static_cast<size_t>(tiny.image_bytes());
  std::vector<uint8_t> saved(3 * bytes), unsaved(3 * bytes);
  for (size_t c = 0; c < 2; ++c) {
    set->read(c, 0, 0, 3, saved.data());  // severity 2
    plain->read(c, 0, 0, 3, unsaved.data());
    EXPECT_NE(saved, unsaved) << c;
    for (int64_t i = 0; i < 3; ++i) {
      const cv::Mat rgb(64, 64, CV_8UC3, const_cast<uint8_t*>(tiny.image(i)));
      const cv::Mat corrupted =
          corrupt_image(find_corruption(o.corruptions[c]), rgb, 2, 11, i, Context{Table::kTiny});
      const cv::Mat expected = jpeg_round_trip(corrupted, 85);
      const auto at = static_cast<size_t>(i) * bytes;
      EXPECT_EQ(0, std::memcmp(expected.data, saved.data() + at, bytes)) << c << " " << i;
      EXPECT_EQ(0, std::memcmp(corrupted.data, unsaved.data() + at, bytes)) << c << " " << i;
    }
  }
}

TEST(GeneratedSet, CifarImagesGetNoFinalJpegSaveUnlessAsked) {
  const auto images = small_set(2);
  EXPECT_EQ(generate_corrupted(images, options(1))->options().final_jpeg_quality, 0);
  auto o = options(1);
  o.final_jpeg_quality = 50;
  const auto set = generate_corrupted(images, o);
  EXPECT_EQ(set->describe()["final_jpeg_quality"], 50);
  std::vector<uint8_t> out(static_cast<size_t>(set->image_bytes()));
  set->read(1, 1, 1, 1, out.data());  // contrast, severity 4, image 1
  const cv::Mat rgb(32, 32, CV_8UC3, const_cast<uint8_t*>(images.image(1)));
  const cv::Mat expected =
      jpeg_round_trip(corrupt_image(find_corruption("contrast"), rgb, 4, 11, 1, Context{}), 50);
  EXPECT_EQ(0, std::memcmp(expected.data, out.data(), out.size()));
  for (int bad : {-2, 101}) {
    o.final_jpeg_quality = bad;
    const auto message = error_of([&] { resolved(o, Table::kTiny); });
    EXPECT_TRUE(contains(message, "final_jpeg_quality")) << message;
  }
}

TEST(WriteCorruptedSet, WritesTheCifarCLayoutThatReadsBackIdentically) {
  testing::TempDir dir;
  const auto images = small_set(5);
  const auto set = generate_corrupted(images, options(2));
  std::ostringstream text;
  StreamProgress log(text);
  write_corrupted_set(*set, dir.str("c"), {{"data_path", "x"}}, log);
  for (const char* name :
       {"shot_noise.npy", "contrast.npy", "glass_blur.npy", "labels.npy", "manifest.json"}) {
    EXPECT_TRUE(std::filesystem::exists(dir.str("c/") + name)) << name;
  }
  const auto array = data::read_npy(dir.str("c/contrast.npy"));
  EXPECT_EQ(array.shape, (std::vector<int64_t>{10, 32, 32, 3}));
  const auto labels = data::read_npy(dir.str("c/labels.npy"));
  EXPECT_EQ(labels.dtype, "u1");
  EXPECT_EQ(labels.data, (std::vector<uint8_t>{0, 1, 2, 0, 1, 0, 1, 2, 0, 1}));
  const auto manifest = nlohmann::json::parse(read_text_file(dir.str("c/manifest.json")));
  EXPECT_EQ(manifest["severities"], nlohmann::json({2, 4}));
  EXPECT_EQ(manifest["generator"]["seed"], 11);
  EXPECT_EQ(manifest["generator"]["frost"], "procedural");
  EXPECT_TRUE(manifest["generator"]["final_jpeg_quality"].is_null());

  const auto back = data::open_cifar_c(dir.str("c"));
  EXPECT_EQ(back->severities(), set->severities());
  EXPECT_EQ(back->labels(), set->labels());
  std::vector<uint8_t> a(static_cast<size_t>(5 * set->image_bytes())), b(a.size());
  for (size_t c = 0; c < 3; ++c) {
    const std::string name = back->corruptions()[c];
    const size_t original =
        static_cast<size_t>(std::find(set->corruptions().begin(), set->corruptions().end(), name) -
                            set->corruptions().begin());
    for (size_t s = 0; s < 2; ++s) {
      set->read(original, s, 0, 5, a.data());
      back->read(c, s, 0, 5, b.data());
      EXPECT_EQ(a, b) << name << " " << s;
    }
  }
}

TEST(WriteCorruptedSet, RefusesADirectoryWithForeignArrays) {
  testing::TempDir dir;
  const auto images = small_set(2);
  const auto set = generate_corrupted(images, options(1));
  testing::write_text(dir.str("c/mine.npy"), "x");
  std::ostringstream text;
  StreamProgress log(text);
  const auto message = error_of([&] { write_corrupted_set(*set, dir.str("c"), {}, log); });
  EXPECT_TRUE(contains(message, "mine.npy")) << message;
  EXPECT_FALSE(std::filesystem::exists(dir.str("c/manifest.json")));
}

}  // namespace
}  // namespace dign::corrupt
