#pragma once
// The image that flows through the training transforms: HWC RGB, holding either
// the stored uint8 bytes or floats in [0,1]. It stays uint8 until a transform
// needs floats (colour jitter, rotation), because resizing works on the stored
// bytes, as it always has in dign and as torchvision does on PIL images; crops,
// pads and flips only move pixels and work on either. The conversion to floats
// is one function, unit_float, used everywhere (v / 255.0f).
//
//   Image image = from_uint8(set.image(i), set.height, set.width);
//   transforms.apply(image, rng);
//   to_float_chw(image, batch_slot);  // float [3, image.height(), image.width()]
#include <cstdint>
#include <vector>

namespace dign::augment {

/// THE conversion of a stored byte to the models' [0,1] float contract.
inline float unit_float(uint8_t value) {
  return static_cast<float>(value) / 255.0f;
}

class Image {
 public:
  Image() = default;
  /// bytes: uint8 [height, width, 3]. dign::Error on a size mismatch.
  Image(int64_t height, int64_t width, std::vector<uint8_t> bytes);
  /// floats: float [height, width, 3] in [0,1]. dign::Error on a size mismatch.
  Image(int64_t height, int64_t width, std::vector<float> floats);

  int64_t height() const noexcept { return height_; }
  int64_t width() const noexcept { return width_; }
  /// True once the pixels are floats; the bytes are then released.
  bool is_float() const noexcept { return is_float_; }

  /// uint8 [height, width, 3]; empty once is_float(). The mutable accessors are for
  /// in-place edits; assign() changes the size.
  const std::vector<uint8_t>& bytes() const noexcept { return bytes_; }
  std::vector<uint8_t>& bytes() noexcept { return bytes_; }
  /// float [height, width, 3] in [0,1]; empty while !is_float().
  const std::vector<float>& floats() const noexcept { return floats_; }
  std::vector<float>& floats() noexcept { return floats_; }
  /// Converts the bytes with unit_float if not done yet; returns floats().
  std::vector<float>& make_float();

  /// Replaces the pixels (and possibly the size): what crops, pads and resizes produce.
  void assign(int64_t height, int64_t width, std::vector<uint8_t> bytes);
  void assign(int64_t height, int64_t width, std::vector<float> floats);

 private:
  int64_t height_ = 0;
  int64_t width_ = 0;
  bool is_float_ = false;
  std::vector<uint8_t> bytes_;
  std::vector<float> floats_;
};

/// Copies a stored image: hwc is uint8 [h, w, 3] RGB.
Image from_uint8(const uint8_t* hwc, int64_t h, int64_t w);

/// The planar float layout of a model input: dst is float [3, image.height(), image.width()].
void to_float_chw(const Image& image, float* dst);

/// The evaluation transform: uint8 [h, w, 3] -> float [3, h, w], each value unit_float(v).
void uint8_to_float_chw(const uint8_t* hwc, int64_t h, int64_t w, float* dst);

}  // namespace dign::augment
