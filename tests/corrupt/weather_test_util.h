#pragma once
// Helpers shared by the weather-corruption tests (weather_test.cpp, frost_test.cpp).
#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>

#include "corrupt/corruption.h"
#include "corrupt_test_util.h"

namespace dign::corrupt::weather_test {

using test_util::flat;
using test_util::kTables;
using test_util::random_image;

constexpr int kSide[2] = {32, 64};  // the side each table was made for

inline bool same_bytes(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

// <repo>/../shared/reference/frost: the original photographs, for comparison only.
inline std::filesystem::path reference_frost_dir() {
  return (std::filesystem::path(__FILE__).parent_path() / "../../../shared/reference/frost")
      .lexically_normal();
}

}  // namespace dign::corrupt::weather_test
