#include "data/transforms.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>
#include <vector>

#include "core/error.h"

namespace dign::data {

std::string AugmentOptions::to_list() const {
  std::string out;
  auto add = [&](bool on, const char* name) {
    if (on) out += (out.empty() ? "" : ",") + std::string(name);
  };
  add(crop, "crop");
  add(flip, "flip");
  add(jitter > 0, "jitter");
  add(rotate_degrees > 0, "rotate");
  return out.empty() ? "none" : out;
}

AugmentOptions parse_augment_list(const std::string& list, const std::string& option) {
  AugmentOptions o;
  o.crop = o.flip = false;
  const double jitter = o.jitter, degrees = o.rotate_degrees;
  o.jitter = o.rotate_degrees = 0;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item == "crop")
      o.crop = true;
    else if (item == "flip")
      o.flip = true;
    else if (item == "jitter")
      o.jitter = jitter;
    else if (item == "rotate")
      o.rotate_degrees = degrees;
    else if (item == "none" || item.empty())
      continue;
    else
      throw Error(detail::concat(option, ": unknown augmentation '", item,
                                 "' (expected a comma-separated subset of crop,flip,jitter,rotate, "
                                 "or none)"));
  }
  return o;
}

namespace {

constexpr float kGray[3] = {0.2989f, 0.587f, 0.114f};  // ITU-R 601-2 luma, as torchvision

// Fills hwc (float [out, out, 3], [0,1]) with the cropped, possibly flipped image.
void crop_and_flip(const uint8_t* src, int64_t h, int64_t w, int64_t out, const AugmentOptions& o,
                   SampleRng& rng, float* hwc) {
  int64_t top = 0, left = 0, crop_h = out, crop_w = out;
  bool resize = false;
  if (h > out || w > out) {
    // Random resized crop (torchvision defaults: scale 0.08-1, ratio 3/4-4/3, 10 tries).
    resize = true;
    crop_h = std::min(h, w);
    crop_w = crop_h;
    top = (h - crop_h) / 2;
    left = (w - crop_w) / 2;
    const double area = static_cast<double>(h * w);
    for (int attempt = 0; attempt < 10; ++attempt) {
      const double target = area * rng.uniform(0.08, 1.0);
      const double ratio = std::exp(rng.uniform(std::log(3.0 / 4.0), std::log(4.0 / 3.0)));
      const auto cw = static_cast<int64_t>(std::lround(std::sqrt(target * ratio)));
      const auto ch = static_cast<int64_t>(std::lround(std::sqrt(target / ratio)));
      if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
        crop_h = ch;
        crop_w = cw;
        top = static_cast<int64_t>(rng.below(static_cast<uint64_t>(h - ch + 1)));
        left = static_cast<int64_t>(rng.below(static_cast<uint64_t>(w - cw + 1)));
        break;
      }
    }
  } else if (o.crop) {
    const auto span = static_cast<uint64_t>(2 * o.padding + 1);
    top = static_cast<int64_t>(rng.below(span)) - o.padding;
    left = static_cast<int64_t>(rng.below(span)) - o.padding;
  }
  const bool flip = o.flip && rng.bernoulli(0.5);
  if (resize) {
    cv::Mat source(static_cast<int>(h), static_cast<int>(w), CV_8UC3, const_cast<uint8_t*>(src));
    cv::Mat region = source(cv::Rect(static_cast<int>(left), static_cast<int>(top),
                                     static_cast<int>(crop_w), static_cast<int>(crop_h)));
    cv::Mat resized;
    cv::resize(region, resized, cv::Size(static_cast<int>(out), static_cast<int>(out)), 0, 0,
               cv::INTER_LINEAR);
    for (int64_t y = 0; y < out; ++y) {
      for (int64_t x = 0; x < out; ++x) {
        const uint8_t* p = resized.ptr<uint8_t>(static_cast<int>(y)) + 3 * (flip ? out - 1 - x : x);
        for (int c = 0; c < 3; ++c) hwc[(y * out + x) * 3 + c] = p[c] / 255.0f;
      }
    }
    return;
  }
  for (int64_t y = 0; y < out; ++y) {
    const int64_t sy = y + top;
    for (int64_t x = 0; x < out; ++x) {
      const int64_t sx = (flip ? out - 1 - x : x) + left;
      float* d = hwc + (y * out + x) * 3;
      if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
        d[0] = d[1] = d[2] = 0.0f;  // zero padding, as RandomCrop(padding=4)
      } else {
        const uint8_t* s = src + (sy * w + sx) * 3;
        for (int c = 0; c < 3; ++c) d[c] = s[c] / 255.0f;
      }
    }
  }
}

// torchvision ColorJitter on [0,1] floats: each factor ~ U(1-s, 1+s), applied in a random order.
void color_jitter(float* hwc, int64_t pixels, double strength, SampleRng& rng) {
  const float factors[3] = {static_cast<float>(rng.uniform(1 - strength, 1 + strength)),
                            static_cast<float>(rng.uniform(1 - strength, 1 + strength)),
                            static_cast<float>(rng.uniform(1 - strength, 1 + strength))};
  std::array<int, 3> order = {0, 1, 2};
  for (int i = 2; i > 0; --i) std::swap(order[i], order[rng.below(static_cast<uint64_t>(i + 1))]);
  auto clamp01 = [](float v) { return std::min(1.0f, std::max(0.0f, v)); };
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

}  // namespace

void augment_image(const uint8_t* src, int64_t src_h, int64_t src_w, float* dst, int64_t out,
                   const AugmentOptions& options, SampleRng& rng) {
  std::vector<float> hwc(static_cast<size_t>(out * out * 3));
  crop_and_flip(src, src_h, src_w, out, options, rng, hwc.data());
  if (options.jitter > 0) color_jitter(hwc.data(), out * out, options.jitter, rng);
  if (options.rotate_degrees > 0) {
    const double angle = rng.uniform(-options.rotate_degrees, options.rotate_degrees);
    cv::Mat image(static_cast<int>(out), static_cast<int>(out), CV_32FC3, hwc.data());
    const cv::Point2f centre(static_cast<float>(out - 1) / 2, static_cast<float>(out - 1) / 2);
    cv::Mat rotated;
    cv::warpAffine(image, rotated, cv::getRotationMatrix2D(centre, angle, 1.0), image.size(),
                   cv::INTER_NEAREST, cv::BORDER_CONSTANT, cv::Scalar(0, 0, 0));
    rotated.copyTo(image);
  }
  const int64_t plane = out * out;
  for (int64_t i = 0; i < plane; ++i) {
    for (int c = 0; c < 3; ++c) dst[c * plane + i] = hwc[3 * i + c];
  }
}

void to_float_chw(const uint8_t* src, int64_t h, int64_t w, float* dst) {
  const int64_t plane = h * w;
  for (int64_t i = 0; i < plane; ++i) {
    for (int c = 0; c < 3; ++c) dst[c * plane + i] = src[3 * i + c] / 255.0f;
  }
}

}  // namespace dign::data
