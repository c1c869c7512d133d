#include "augment/color_jitter.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/error.h"

namespace dign::augment {
namespace {

constexpr float kGray[3] = {0.2989f, 0.587f, 0.114f};  // ITU-R 601-2 luma, as torchvision

float clamp01(float v) {
  return std::min(1.0f, std::max(0.0f, v));
}

void check_strength(double s, const char* field) {
  DIGN_CHECK(s >= 0.0 && s <= 1.0, "ColorJitterOptions: ", field, " must be in [0, 1], got ", s);
}

}  // namespace

void ColorJitterOptions::validate() const {
  check_strength(brightness(), "brightness");
  check_strength(contrast(), "contrast");
  check_strength(saturation(), "saturation");
}

ColorJitter::ColorJitter(ColorJitterOptions options) : options_(std::move(options)) {
  options_.validate();
}

void ColorJitter::apply(Image& image, SampleRng& rng) const {
  const auto& o = options_;
  const float factors[3] = {
      static_cast<float>(rng.uniform(1 - o.brightness(), 1 + o.brightness())),
      static_cast<float>(rng.uniform(1 - o.contrast(), 1 + o.contrast())),
      static_cast<float>(rng.uniform(1 - o.saturation(), 1 + o.saturation()))};
  std::array<int, 3> order = {0, 1, 2};
  for (int i = 2; i > 0; --i) std::swap(order[i], order[rng.below(static_cast<uint64_t>(i + 1))]);
  float* hwc = image.make_float().data();
  const int64_t pixels = image.height() * image.width();
  for (int op : order) {
    const float f = factors[op];
    if (op == 0) {  // brightness: blend with black
      for (int64_t i = 0; i < 3 * pixels; ++i) hwc[i] = clamp01(f * hwc[i]);
    } else if (op == 1) {  // contrast: blend with the mean grey level of the image
      double sum = 0;
      for (int64_t i = 0; i < pixels; ++i) {
        const float* p = hwc + 3 * i;
        sum += kGray[0] * p[0] + kGray[1] * p[1] + kGray[2] * p[2];
      }
      const float mean = static_cast<float>(sum / static_cast<double>(pixels));
      for (int64_t i = 0; i < 3 * pixels; ++i) hwc[i] = clamp01(f * hwc[i] + (1 - f) * mean);
    } else {  // saturation: blend with the pixel's own grey level
      for (int64_t i = 0; i < pixels; ++i) {
        float* p = hwc + 3 * i;
        const float grey = kGray[0] * p[0] + kGray[1] * p[1] + kGray[2] * p[2];
        for (int c = 0; c < 3; ++c) p[c] = clamp01(f * p[c] + (1 - f) * grey);
      }
    }
  }
}

}  // namespace dign::augment
