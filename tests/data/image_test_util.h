#pragma once
// Image helpers shared by the image reader tests (OpenCV, no LibTorch).
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "test_util.h"

namespace dign::testing {

/// Encodes `image` by the format named by `format` (".png" or ".jpg"), whatever
/// the file's extension, and writes it to `path`, creating parent directories.
inline void write_image(const std::filesystem::path& path, const cv::Mat& image,
                        const std::string& format = ".png") {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(cv::imencode(format, image, bytes));
  write_bytes(path, bytes);
}

/// A height x width BGR image of one colour.
inline cv::Mat solid(int height, int width, uint8_t b, uint8_t g, uint8_t r) {
  return cv::Mat(height, width, CV_8UC3, cv::Scalar(b, g, r));
}

/// A PNG signature and IHDR chunk claiming width x height, with no pixel data
/// (CRC left zero: it is for header checks, which do not decode).
inline std::vector<uint8_t> forged_png(uint32_t width, uint32_t height) {
  std::vector<uint8_t> bytes = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
                                0,    0,   0,   13,  'I',  'H',  'D',  'R'};
  for (uint32_t v : {width, height}) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<uint8_t>(v >> shift));
  }
  bytes.insert(bytes.end(), {8, 2, 0, 0, 0, 0, 0, 0, 0});  // depth, colour type, ..., CRC
  return bytes;
}

}  // namespace dign::testing
