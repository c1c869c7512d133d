#include "augment/image.h"

#include <utility>

#include "core/error.h"

namespace dign::augment {
namespace {

void check_size(int64_t height, int64_t width, size_t values, const char* what) {
  DIGN_CHECK(height >= 0 && width >= 0 && static_cast<size_t>(height * width * 3) == values,
             "augment::Image: ", height, "x", width, "x3 needs ", height * width * 3, " ", what,
             ", got ", values);
}

}  // namespace

Image::Image(int64_t height, int64_t width, std::vector<uint8_t> bytes) {
  assign(height, width, std::move(bytes));
}

Image::Image(int64_t height, int64_t width, std::vector<float> floats) {
  assign(height, width, std::move(floats));
}

std::vector<float>& Image::make_float() {
  if (!is_float_) {
    floats_.resize(bytes_.size());
    for (size_t i = 0; i < bytes_.size(); ++i) floats_[i] = unit_float(bytes_[i]);
    bytes_ = {};
    is_float_ = true;
  }
  return floats_;
}

void Image::assign(int64_t height, int64_t width, std::vector<uint8_t> bytes) {
  check_size(height, width, bytes.size(), "bytes");
  height_ = height;
  width_ = width;
  bytes_ = std::move(bytes);
  floats_ = {};
  is_float_ = false;
}

void Image::assign(int64_t height, int64_t width, std::vector<float> floats) {
  check_size(height, width, floats.size(), "floats");
  height_ = height;
  width_ = width;
  floats_ = std::move(floats);
  bytes_ = {};
  is_float_ = true;
}

Image from_uint8(const uint8_t* hwc, int64_t h, int64_t w) {
  DIGN_CHECK(h >= 0 && w >= 0, "augment::from_uint8: negative size ", h, "x", w);
  return Image(h, w, std::vector<uint8_t>(hwc, hwc + h * w * 3));
}

void to_float_chw(const Image& image, float* dst) {
  const int64_t plane = image.height() * image.width();
  if (!image.is_float()) {
    uint8_to_float_chw(image.bytes().data(), image.height(), image.width(), dst);
    return;
  }
  const float* hwc = image.floats().data();
  for (int64_t i = 0; i < plane; ++i) {
    for (int c = 0; c < 3; ++c) dst[c * plane + i] = hwc[3 * i + c];
  }
}

void uint8_to_float_chw(const uint8_t* hwc, int64_t h, int64_t w, float* dst) {
  const int64_t plane = h * w;
  for (int64_t i = 0; i < plane; ++i) {
    for (int c = 0; c < 3; ++c) dst[c * plane + i] = unit_float(hwc[3 * i + c]);
  }
}

}  // namespace dign::augment
