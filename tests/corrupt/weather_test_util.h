#pragma once
// Helpers shared by the weather-corruption tests (weather_test.cpp, frost_test.cpp).
#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>

#include "corrupt/corruption.h"

namespace dign::corrupt::weather_test {

constexpr Table kTables[2] = {Table::kCifar, Table::kTiny};
constexpr int kSide[2] = {32, 64};  // the side each table was made for

inline cv::Mat random_image(int size, uint64_t seed, int low = 0, int high = 256) {
  Rng rng(seed);
  cv::Mat image(size, size, CV_8UC3);
  // Every channel (begin<uint8_t>() on a 3-channel Mat would visit one byte per pixel).
  uint8_t* v = image.ptr<uint8_t>();
  for (size_t i = 0; i < image.total() * 3; ++i)
    v[i] = static_cast<uint8_t>(rng.integer(low, high));
  return image;
}

inline cv::Mat flat(int value, int size) {
  return cv::Mat(size, size, CV_8UC3, cv::Scalar(value, value, value));
}

inline bool same_bytes(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

// <repo>/../shared/reference/frost: the original photographs, for comparison only.
inline std::filesystem::path reference_frost_dir() {
  return (std::filesystem::path(__FILE__).parent_path() / "../../../shared/reference/frost")
      .lexically_normal();
}

}  // namespace dign::corrupt::weather_test
