#pragma once
// Test images shared by the corruption tests (one definition, so a seed means the same
// picture in every file).
#include <opencv2/core.hpp>

#include <cstdint>

#include "corrupt/corruption.h"

namespace dign::corrupt::test_util {

constexpr Table kTables[2] = {Table::kCifar, Table::kTiny};

/// size x size uint8 RGB, every byte drawn uniformly from [low, high) by Rng(seed).
inline cv::Mat random_image(int size, uint64_t seed, int low = 0, int high = 256) {
  Rng rng(seed);
  cv::Mat image(size, size, CV_8UC3);
  // Every channel (begin<uint8_t>() on a 3-channel Mat would visit one byte per pixel).
  uint8_t* v = image.ptr<uint8_t>();
  for (size_t i = 0; i < image.total() * 3; ++i) {
    v[i] = static_cast<uint8_t>(rng.integer(low, high));
  }
  return image;
}

/// size x size uint8 image with every byte `value`.
inline cv::Mat flat(int value, int size = 128) {
  return cv::Mat(size, size, CV_8UC3, cv::Scalar(value, value, value));
}

}  // namespace dign::corrupt::test_util
