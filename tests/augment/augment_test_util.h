#pragma once
// Helpers shared by the tests of src/augment.
#include <cstdint>
#include <vector>

#include "augment/image.h"
#include "augment/transform.h"
#include "core/rng.h"

namespace dign::augment::testing {

/// A side x side image whose pixel (y, x) has RGB (10y + x, 100 + 10y + x, 200).
inline std::vector<uint8_t> ramp(int64_t side) {
  std::vector<uint8_t> img(static_cast<size_t>(side * side * 3));
  for (int64_t y = 0; y < side; ++y) {
    for (int64_t x = 0; x < side; ++x) {
      uint8_t* p = img.data() + (y * side + x) * 3;
      p[0] = static_cast<uint8_t>(10 * y + x);
      p[1] = static_cast<uint8_t>(100 + 10 * y + x);
      p[2] = 200;
    }
  }
  return img;
}

/// The image in the models' layout, float [3, H, W].
inline std::vector<float> chw(const Image& image) {
  std::vector<float> out(static_cast<size_t>(3 * image.height() * image.width()));
  to_float_chw(image, out.data());
  return out;
}

/// Applies `t` to a copy of the uint8 image with SampleRng(seed); returns float [3, H', W'].
inline std::vector<float> transformed(const Transform& t, const std::vector<uint8_t>& hwc,
                                      int64_t h, int64_t w, uint64_t seed) {
  Image image = from_uint8(hwc.data(), h, w);
  SampleRng rng(seed);
  t.apply(image, rng);
  return chw(image);
}

/// How many values `t` draws from SampleRng(seed) on this image.
inline int draws_of(const Transform& t, Image image, uint64_t seed) {
  SampleRng rng(seed);
  t.apply(image, rng);
  const uint64_t after = rng.next();
  SampleRng replay(seed);
  for (int n = 0; n < 1000; ++n) {
    if (replay.next() == after) return n;
  }
  return -1;
}

}  // namespace dign::augment::testing
