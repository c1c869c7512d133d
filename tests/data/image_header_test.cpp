#include "data/image_header.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "image_test_util.h"

namespace dign::data {
namespace {
using dign::testing::forged_png;

std::vector<uint8_t> encode(const std::string& ext, const cv::Mat& image,
                            const std::vector<int>& params = {}) {
  std::vector<uint8_t> bytes;
  EXPECT_TRUE(cv::imencode(ext, image, bytes, params));
  return bytes;
}

TEST(ImageHeader, ReadsPngAndJpegWrittenByOpenCv) {
  const cv::Mat image(23, 37, CV_8UC3, cv::Scalar(10, 20, 30));  // 37 wide, 23 high
  int width = 0;
  int height = 0;
  for (const char* ext : {".png", ".jpg"}) {
    const std::vector<uint8_t> bytes = encode(ext, image);
    ASSERT_TRUE(read_image_header(bytes.data(), bytes.size(), width, height)) << ext;
    EXPECT_EQ(width, 37) << ext;
    EXPECT_EQ(height, 23) << ext;
  }
  // Progressive JPEG: the frame header is SOF2 (0xFFC2).
  const std::vector<uint8_t> progressive = encode(".jpg", image, {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
  ASSERT_TRUE(read_image_header(progressive.data(), progressive.size(), width, height));
  EXPECT_EQ(width, 37);
  EXPECT_EQ(height, 23);
  // Grayscale PNG.
  const std::vector<uint8_t> gray = encode(".png", cv::Mat(5, 300, CV_8UC1, cv::Scalar(0)));
  ASSERT_TRUE(read_image_header(gray.data(), gray.size(), width, height));
  EXPECT_EQ(width, 300);
  EXPECT_EQ(height, 5);
}

TEST(ImageHeader, WalksJpegSegmentsToTheFrameHeader) {
  // SOI; APP0 (length 4); DHT (0xC4, not a frame, length 3) preceded by a fill
  // byte; SOF0: length 17, precision 8, height 0x0120 = 288, width 0x0030 = 48.
  const std::vector<uint8_t> bytes = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0xAA, 0xBB,
                                      0xFF, 0xFF, 0xC4, 0x00, 0x03, 0x00, 0xFF, 0xC0,
                                      0x00, 0x11, 0x08, 0x01, 0x20, 0x00, 0x30, 0x03};
  int width = 0;
  int height = 0;
  ASSERT_TRUE(read_image_header(bytes.data(), bytes.size(), width, height));
  EXPECT_EQ(width, 48);
  EXPECT_EQ(height, 288);
  // Cut inside the frame header: not enough bytes for the width.
  EXPECT_FALSE(read_image_header(bytes.data(), 21, width, height));
  // A scan (SOS) before any frame header.
  const std::vector<uint8_t> scan_first = {0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9};
  EXPECT_FALSE(read_image_header(scan_first.data(), scan_first.size(), width, height));
}

TEST(ImageHeader, ReportsForgedHugeDimensions) {
  const std::vector<uint8_t> bytes = forged_png(60000, 60000);
  int width = 0;
  int height = 0;
  ASSERT_TRUE(read_image_header(bytes.data(), bytes.size(), width, height));
  EXPECT_EQ(width, 60000);
  EXPECT_EQ(height, 60000);
  EXPECT_FALSE(image_size_allowed(width, height));
  EXPECT_TRUE(image_size_allowed(16384, 16384));  // 2^28 pixels exactly
  EXPECT_FALSE(image_size_allowed(16385, 1));
  EXPECT_FALSE(image_size_allowed(0, 10));
}

TEST(ImageHeader, RejectsGarbageTruncatedAndZeroSizes) {
  int width = 0;
  int height = 0;
  const std::vector<uint8_t> text = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'};
  EXPECT_FALSE(read_image_header(text.data(), text.size(), width, height));
  EXPECT_FALSE(read_image_header(nullptr, 0, width, height));
  const std::vector<uint8_t> png = forged_png(10, 10);
  EXPECT_FALSE(read_image_header(png.data(), 20, width, height));  // cut inside IHDR
  const std::vector<uint8_t> zero = forged_png(0, 10);
  EXPECT_FALSE(read_image_header(zero.data(), zero.size(), width, height));
  const std::vector<uint8_t> negative = forged_png(0x80000000u, 10);  // over 2^31 - 1
  EXPECT_FALSE(read_image_header(negative.data(), negative.size(), width, height));
}

}  // namespace
}  // namespace dign::data
