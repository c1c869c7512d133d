#include "data/cifar_binary.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "test_util.h"

namespace dign::data {
namespace {
namespace fs = std::filesystem;
using dign::testing::contains;
using dign::testing::error_of;
using dign::testing::TempDir;
using dign::testing::write_bytes;
using dign::testing::write_text;

// Plane values of record `seed`, pixel p = 32*y + x:
// R = (p + seed) % 256, G = (3p + seed) % 256, B = (255 - p) % 256.
uint8_t plane_value(int channel, int p, int seed) {
  if (channel == 0) return static_cast<uint8_t>((p + seed) % 256);
  if (channel == 1) return static_cast<uint8_t>((3 * p + seed) % 256);
  return static_cast<uint8_t>((255 - p + 1024) % 256);
}

void append_record(std::vector<uint8_t>& out, const std::vector<uint8_t>& label, int seed) {
  out.insert(out.end(), label.begin(), label.end());
  for (int c = 0; c < 3; ++c) {
    for (int p = 0; p < 1024; ++p) out.push_back(plane_value(c, p, seed));
  }
}

TEST(CifarBinary, PlanarToInterleavedRgb) {
  std::vector<uint8_t> bytes;
  append_record(bytes, {7}, 0);
  append_record(bytes, {2}, 5);
  const ImageSet set = parse_cifar_batch(bytes.data(), bytes.size(), 1, "batch.bin");
  ASSERT_EQ(set.size(), 2);
  EXPECT_EQ(set.height, 32);
  EXPECT_EQ(set.width, 32);
  EXPECT_EQ(set.labels, (std::vector<int64_t>{7, 2}));
  ASSERT_EQ(set.pixels.size(), 2u * 3072u);
  // Image 0, (y=1, x=1): p = 33 -> R 33, G 99, B 222 at HWC offset 3*33.
  EXPECT_EQ(set.image(0)[99], 33);
  EXPECT_EQ(set.image(0)[100], 99);
  EXPECT_EQ(set.image(0)[101], 222);
  // Image 1, (y=31, x=31): p = 1023, seed 5 -> R 4, G (3069+5)%256 = 2, B 0.
  EXPECT_EQ(set.image(1)[3 * 1023 + 0], 4);
  EXPECT_EQ(set.image(1)[3 * 1023 + 1], 2);
  EXPECT_EQ(set.image(1)[3 * 1023 + 2], 0);
  EXPECT_EQ(set.class_names.size(), 10u);
  EXPECT_EQ(set.class_names[0], "airplane");
  EXPECT_EQ(set.sources[1], "batch.bin#1");
}

TEST(CifarBinary, Cifar100KeepsFineLabel) {
  std::vector<uint8_t> bytes;
  append_record(bytes, {3, 57}, 0);  // coarse 3, fine 57
  append_record(bytes, {19, 99}, 1);
  const ImageSet set = parse_cifar_batch(bytes.data(), bytes.size(), 2, "train.bin");
  EXPECT_EQ(set.labels, (std::vector<int64_t>{57, 99}));
  EXPECT_EQ(set.class_names.size(), 100u);
  EXPECT_EQ(set.class_names[57], "class_57");
  // Pixels start after both label bytes: (0,0) of image 1 is R 1, G 1, B 255.
  EXPECT_EQ(set.image(1)[0], 1);
  EXPECT_EQ(set.image(1)[1], 1);
  EXPECT_EQ(set.image(1)[2], 255);
}

TEST(CifarBinary, RejectsBadLabels) {
  std::vector<uint8_t> bytes;
  append_record(bytes, {1}, 0);
  append_record(bytes, {10}, 0);
  std::string message =
      error_of([&] { parse_cifar_batch(bytes.data(), bytes.size(), 1, "b.bin"); });
  EXPECT_TRUE(contains(message, "b.bin") && contains(message, "record 1") &&
              contains(message, "label 10"))
      << message;

  std::vector<uint8_t> hundred;
  append_record(hundred, {0, 100}, 0);
  message = error_of([&] { parse_cifar_batch(hundred.data(), hundred.size(), 2, "t.bin"); });
  EXPECT_TRUE(contains(message, "t.bin") && contains(message, "label 100")) << message;
  EXPECT_THROW(parse_cifar_batch(hundred.data(), hundred.size(), 2, "t.bin"), Error);
}

TEST(CifarBinary, RejectsEmptyAndTruncatedBatches) {
  std::vector<uint8_t> bytes;
  append_record(bytes, {1}, 0);
  std::string message = error_of([&] { parse_cifar_batch(bytes.data(), 0, 1, "e.bin"); });
  EXPECT_TRUE(contains(message, "e.bin") && contains(message, "empty")) << message;
  // One record is 3073 bytes; 3072 is one byte short.
  message = error_of([&] { parse_cifar_batch(bytes.data(), 3072, 1, "short.bin"); });
  EXPECT_TRUE(contains(message,
                       "short.bin: truncated: 3072 bytes is not a multiple of the "
                       "3073-byte record"))
      << message;
}

TEST(CifarBinary, ReadsCifar10Folder) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "cifar-10-batches-bin";
  std::vector<uint8_t> batch1, batch2, test;
  append_record(batch1, {0}, 0);
  append_record(batch1, {1}, 1);
  append_record(batch2, {9}, 2);
  append_record(test, {4}, 3);
  write_bytes(dir / "data_batch_1.bin", batch1);
  write_bytes(dir / "data_batch_2.bin", batch2);
  write_bytes(dir / "test_batch.bin", test);
  std::string names;
  for (int i = 0; i < 10; ++i) names += "name" + std::to_string(i) + "\n";
  write_text(dir / "batches.meta.txt", names + "\n\n");

  EXPECT_TRUE(looks_like_cifar_binary(dir.string()));
  EXPECT_TRUE(looks_like_cifar_binary(tmp.path().string()));  // the official subfolder
  const Dataset data = read_cifar_binary(tmp.path().string());
  EXPECT_EQ(data.name, "cifar10");
  EXPECT_EQ(data.format, "cifar-binary");
  EXPECT_EQ(data.train.labels, (std::vector<int64_t>{0, 1, 9}));
  EXPECT_EQ(data.test.labels, (std::vector<int64_t>{4}));
  EXPECT_EQ(data.train.class_names[3], "name3");
  EXPECT_EQ(data.test.class_names[3], "name3");
  // Image 2 (from batch 2, seed 2): pixel 0 is R 2, G 2, B 255.
  EXPECT_EQ(data.train.image(2)[0], 2);
  EXPECT_EQ(data.train.image(2)[2], 255);
  EXPECT_TRUE(contains(data.train.sources[2], "data_batch_2.bin#0")) << data.train.sources[2];
}

TEST(CifarBinary, Cifar10DefaultNamesAndMissingTestBatch) {
  TempDir tmp;
  std::vector<uint8_t> batch;
  append_record(batch, {3}, 0);
  write_bytes(tmp.path() / "data_batch_1.bin", batch);
  std::string message = error_of([&] { read_cifar_binary(tmp.path().string()); });
  EXPECT_TRUE(contains(message, "test_batch.bin")) << message;

  write_bytes(tmp.path() / "test_batch.bin", batch);
  const Dataset data = read_cifar_binary(tmp.path().string());
  EXPECT_EQ(data.train.class_names[3], "cat");
  EXPECT_EQ(data.train.size(), 1);
}

TEST(CifarBinary, TruncatedFileErrorNamesTheFile) {
  TempDir tmp;
  std::vector<uint8_t> batch;
  append_record(batch, {3}, 0);
  write_bytes(tmp.path() / "test_batch.bin", batch);
  append_record(batch, {3}, 0);
  batch.resize(batch.size() + 5);  // 2 * 3073 + 5 = 6151
  write_bytes(tmp.path() / "data_batch_1.bin", batch);
  const std::string message = error_of([&] { read_cifar_binary(tmp.path().string()); });
  EXPECT_TRUE(contains(message, (tmp.path() / "data_batch_1.bin").string()) &&
              contains(message, "truncated: 6151 bytes is not a multiple of the 3073-byte record"))
      << message;
}

TEST(CifarBinary, ReadsCifar100Folder) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "cifar-100-binary";
  std::vector<uint8_t> train, test;
  append_record(train, {1, 42}, 0);
  append_record(test, {2, 7}, 1);
  write_bytes(dir / "train.bin", train);
  write_bytes(dir / "test.bin", test);
  std::string names;
  for (int i = 0; i < 100; ++i) names += "fine" + std::to_string(i) + "\r\n";
  write_text(dir / "fine_label_names.txt", names);

  EXPECT_TRUE(looks_like_cifar_binary(tmp.path().string()));
  const Dataset data = read_cifar_binary(tmp.path().string());
  EXPECT_EQ(data.name, "cifar100");
  EXPECT_EQ(data.train.labels, (std::vector<int64_t>{42}));
  EXPECT_EQ(data.test.labels, (std::vector<int64_t>{7}));
  EXPECT_EQ(data.test.class_names[7], "fine7");
}

TEST(CifarBinary, RecognisesOnlyCifarFolders) {
  TempDir tmp;
  EXPECT_FALSE(looks_like_cifar_binary(tmp.path().string()));
  EXPECT_FALSE(looks_like_cifar_binary((tmp.path() / "missing").string()));
  write_bytes(tmp.path() / "train.bin", {1});  // CIFAR-100 needs test.bin too
  EXPECT_FALSE(looks_like_cifar_binary(tmp.path().string()));
  const std::string message = error_of([&] { read_cifar_binary(tmp.path().string()); });
  EXPECT_TRUE(contains(message, "data_batch_1.bin")) << message;
}

}  // namespace
}  // namespace dign::data
