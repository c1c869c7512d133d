#include "data/cifar_c.h"

#include <gtest/gtest.h>

#include <cstring>

#include "core/file_io.h"
#include "data/npy.h"
#include "test_util.h"

namespace dign::data {
namespace {

using testing::contains;
using testing::error_of;
using testing::TempDir;

// Image (s, i) of an array filled so that every byte says where it is.
uint8_t pixel(int corruption, int64_t row, int64_t k) {
  return static_cast<uint8_t>(corruption * 37 + row * 11 + k);
}

void write_images(const TempDir& dir, const std::string& name, int corruption, int64_t rows,
                  int64_t h = 4, int64_t w = 4) {
  std::vector<uint8_t> bytes(static_cast<size_t>(rows * h * w * 3));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t k = 0; k < h * w * 3; ++k) {
      bytes[static_cast<size_t>(r * h * w * 3 + k)] = pixel(corruption, r, k);
    }
  }
  write_npy(dir.str(name + ".npy"), NpyArray::u1({rows, h, w, 3}, bytes));
}

NpyArray int64_labels(const std::vector<int64_t>& values) {
  NpyArray a;
  a.dtype = "i8";
  a.shape = {static_cast<int64_t>(values.size())};
  a.data.resize(values.size() * 8);
  std::memcpy(a.data.data(), values.data(), a.data.size());
  return a;
}

// 5 severities of 2 images: labels 3, 7 repeated.
void write_official(const TempDir& dir) {
  write_images(dir, "snow", 1, 10);
  write_images(dir, "my_own_blur", 2, 10);
  write_npy(dir.str("labels.npy"), int64_labels({3, 7, 3, 7, 3, 7, 3, 7, 3, 7}));
}

TEST(CifarC, ReadsEveryArrayIncludingUnknownNamesBySeverityBlocks) {
  TempDir dir;
  write_official(dir);
  ASSERT_TRUE(looks_like_cifar_c(dir.str()));
  const auto set = open_cifar_c(dir.str());
  // Known corruptions in the generator's order, then the others by name.
  EXPECT_EQ(set->corruptions(), (std::vector<std::string>{"snow", "my_own_blur"}));
  EXPECT_EQ(set->severities(), (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(set->size(), 2);
  EXPECT_EQ(set->labels(), (std::vector<int64_t>{3, 7}));
  std::vector<uint8_t> out(static_cast<size_t>(set->image_bytes()));
  // snow (index 0), severity 4 (index 3), image 1: row 3 * 2 + 1 of the array.
  set->read(0, 3, 1, 1, out.data());
  for (int64_t k = 0; k < set->image_bytes(); ++k) {
    ASSERT_EQ(out[static_cast<size_t>(k)], pixel(1, 7, k)) << k;
  }
}

TEST(CifarC, ManifestSeveritiesAndSingleSeverityLabels) {
  TempDir dir;
  write_images(dir, "fog", 0, 6);
  write_npy(dir.str("labels.npy"), NpyArray::u1({3}, {0, 1, 2}));
  testing::write_text(dir.str("manifest.json"), R"({"severities": [2, 5]})");
  const auto set = open_cifar_c(dir.str());
  EXPECT_EQ(set->severities(), (std::vector<int>{2, 5}));
  EXPECT_EQ(set->size(), 3);
  EXPECT_EQ(set->labels(), (std::vector<int64_t>{0, 1, 2}));
}

TEST(CifarC, MalformedDirectoriesAreOneErrorNamingTheFile) {
  {
    TempDir dir;
    write_images(dir, "snow", 1, 10);
    EXPECT_TRUE(contains(error_of([&] { open_cifar_c(dir.str()); }), "labels.npy is missing"));
  }
  {
    TempDir dir;
    write_official(dir);
    write_npy(dir.str("fog.npy"), NpyArray{"f4", {10, 4, 4, 3}, std::vector<uint8_t>(1920)});
    const auto message = error_of([&] { open_cifar_c(dir.str()); });
    EXPECT_TRUE(contains(message, "fog.npy: expected uint8 images")) << message;
  }
  {
    TempDir dir;
    write_official(dir);
    write_images(dir, "fog", 3, 10, 5, 4);
    EXPECT_TRUE(contains(error_of([&] { open_cifar_c(dir.str()); }), "differs from the other"));
  }
  {
    TempDir dir;
    write_official(dir);
    write_npy(dir.str("fog.npy"), NpyArray::u1({10, 4, 4}, std::vector<uint8_t>(160)));
    EXPECT_TRUE(
        contains(error_of([&] { open_cifar_c(dir.str()); }), "expected shape (S*N, H, W, 3)"));
  }
  {
    TempDir dir;
    write_official(dir);
    write_npy(dir.str("labels.npy"), int64_labels({3, 7, 3, 7, 3, 7, 3, 7}));
    const auto message = error_of([&] { open_cifar_c(dir.str()); });
    EXPECT_TRUE(contains(message, "8 labels for arrays of 10 images")) << message;
  }
  {
    TempDir dir;
    write_official(dir);
    write_npy(dir.str("labels.npy"), int64_labels({3, 7, 3, 7, 3, 7, 3, 7, 3, 8}));
    EXPECT_TRUE(contains(error_of([&] { open_cifar_c(dir.str()); }), "label 9 differs"));
  }
  for (const char* manifest :
       {R"({"severities": [1, 1e300]})", R"({"severities": [1, -3]})",
        R"({"severities": [18446744073709551615]})", R"({"severities": 3})", "[1, 2]", "{"}) {
    // A hostile manifest.json: checked before any conversion.
    TempDir dir;
    write_images(dir, "fog", 0, 6);
    write_npy(dir.str("labels.npy"), NpyArray::u1({3}, {0, 1, 2}));
    testing::write_text(dir.str("manifest.json"), manifest);
    const auto message = error_of([&] { open_cifar_c(dir.str()); });
    EXPECT_TRUE(contains(message, dir.str("manifest.json") + ": ")) << manifest << ": " << message;
  }
  {
    TempDir dir;
    write_official(dir);
    // Truncated: the header promises 10 images, the file holds fewer.
    const auto bytes = read_file(dir.str("snow.npy"));
    testing::write_bytes(dir.str("snow.npy"), std::vector<uint8_t>(bytes.begin(), bytes.end() - 7));
    const auto message = error_of([&] { open_cifar_c(dir.str()); });
    EXPECT_TRUE(contains(message, "snow.npy")) << message;
    EXPECT_TRUE(contains(message, "truncated")) << message;
  }
}

}  // namespace
}  // namespace dign::data
