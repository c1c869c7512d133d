#include "data/pil_resize.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/error.h"

namespace dign::data {
namespace {

// Pillow's 8-bit resampler: weights in fixed point with 22 fraction bits (Resample.c).
constexpr int kPrecisionBits = 32 - 8 - 2;

double box_filter(double x) {
  return (x > -0.5 && x <= 0.5) ? 1.0 : 0.0;
}

double bilinear_filter(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

// One axis of a resize: for output index o, `count[o]` input samples from `first[o]`, weighted
// by weights[o * ksize + t].
struct Coefficients {
  int ksize = 0;
  std::vector<int> first, count;
  std::vector<int32_t> weights;
};

// Pillow's precompute_coeffs (box = the whole input) and normalize_coeffs_8bpc.
Coefficients coefficients(int in_size, int out_size, PilFilter filter) {
  const double support_1 = filter == PilFilter::kBox ? 0.5 : 1.0;
  double (*const kernel)(double) = filter == PilFilter::kBox ? box_filter : bilinear_filter;
  const double scale = static_cast<double>(in_size) / out_size;
  const double filterscale = std::max(scale, 1.0);  // shrinking widens the filter: antialiasing
  const double support = support_1 * filterscale;
  Coefficients c;
  c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  c.first.resize(static_cast<size_t>(out_size));
  c.count.resize(static_cast<size_t>(out_size));
  c.weights.assign(static_cast<size_t>(out_size) * static_cast<size_t>(c.ksize), 0);
  std::vector<double> k(static_cast<size_t>(c.ksize));
  for (int xx = 0; xx < out_size; ++xx) {
    const double center = (xx + 0.5) * scale;
    const double ss = 1.0 / filterscale;
    // C casts truncate toward zero, then the bounds are clamped, as Pillow does.
    const int xmin = std::max(static_cast<int>(center - support + 0.5), 0);
    const int xmax = std::min(static_cast<int>(center + support + 0.5), in_size) - xmin;
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      k[static_cast<size_t>(x)] = kernel((x + xmin - center + 0.5) * ss);
      ww += k[static_cast<size_t>(x)];
    }
    for (int x = 0; x < xmax; ++x) {
      const double w = ww != 0.0 ? k[static_cast<size_t>(x)] / ww : k[static_cast<size_t>(x)];
      const double fixed = w * (1 << kPrecisionBits);
      c.weights[static_cast<size_t>(xx) * static_cast<size_t>(c.ksize) + static_cast<size_t>(x)] =
          static_cast<int32_t>(w < 0 ? -0.5 + fixed : 0.5 + fixed);
    }
    c.first[static_cast<size_t>(xx)] = xmin;
    c.count[static_cast<size_t>(xx)] = std::max(xmax, 0);
  }
  return c;
}

// Pillow's clip8: the fixed-point sum back to uint8.
uint8_t clip8(int32_t v) {
  if (v >= (1 << kPrecisionBits << 8)) return 255;
  if (v <= 0) return 0;
  return static_cast<uint8_t>(v >> kPrecisionBits);
}

// One pass along columns (horizontal) or rows (vertical), rounded to uint8 as Pillow's
// ResampleHorizontal_8bpc / ResampleVertical_8bpc.
cv::Mat resample_pass(const cv::Mat& in, int out_size, bool horizontal, PilFilter filter) {
  const int in_size = horizontal ? in.cols : in.rows;
  const Coefficients c = coefficients(in_size, out_size, filter);
  const int cn = in.channels();
  cv::Mat out =
      horizontal ? cv::Mat(in.rows, out_size, in.type()) : cv::Mat(out_size, in.cols, in.type());
  for (int y = 0; y < out.rows; ++y) {
    uint8_t* dst = out.ptr<uint8_t>(y);
    for (int x = 0; x < out.cols; ++x) {
      const auto o = static_cast<size_t>(horizontal ? x : y);
      const int32_t* k = &c.weights[o * static_cast<size_t>(c.ksize)];
      for (int ch = 0; ch < cn; ++ch) {
        int32_t ss = 1 << (kPrecisionBits - 1);
        for (int t = 0; t < c.count[o]; ++t) {
          const int src = c.first[o] + t;
          const uint8_t v =
              horizontal ? in.ptr<uint8_t>(y)[src * cn + ch] : in.ptr<uint8_t>(src)[x * cn + ch];
          ss += v * k[t];
        }
        dst[x * cn + ch] = clip8(ss);
      }
    }
  }
  return out;
}

}  // namespace

cv::Mat pil_resize(const cv::Mat& image_u8, int width, int height, PilFilter filter) {
  DIGN_CHECK(!image_u8.empty() && image_u8.depth() == CV_8U && image_u8.channels() <= 4,
             "pil_resize: expected a non-empty uint8 image of 1 to 4 channels");
  DIGN_CHECK(width >= 1 && height >= 1, "pil_resize: expected a positive output size, got ", width,
             "x", height);
  cv::Mat out = image_u8;
  if (width != out.cols) out = resample_pass(out, width, /*horizontal=*/true, filter);
  if (height != out.rows) out = resample_pass(out, height, /*horizontal=*/false, filter);
  return out.data == image_u8.data ? image_u8.clone() : out;
}

cv::Size shorter_side_size(int width, int height, int side) {
  DIGN_CHECK(width >= 1 && height >= 1 && side >= 1,
             "shorter_side_size: expected positive sizes, got ", width, "x", height, " and ", side);
  // torchvision: int(side * long / short), in 64-bit integers (no overflow at any image size).
  if (width <= height) {
    return {side, static_cast<int>(static_cast<int64_t>(side) * height / width)};
  }
  return {static_cast<int>(static_cast<int64_t>(side) * width / height), side};
}

cv::Mat imagenet_eval_crop(const cv::Mat& image_u8, int resize, int crop) {
  DIGN_CHECK(crop >= 1 && crop <= resize, "imagenet_eval_crop: expected 1 <= crop <= resize, got ",
             crop, " and ", resize);
  const cv::Size size = shorter_side_size(image_u8.cols, image_u8.rows, resize);
  const cv::Mat resized = pil_resize(image_u8, size.width, size.height, PilFilter::kBilinear);
  // CenterCrop: int(round((h - crop) / 2.)), Python 3's round: halves to even (117 / 2 -> 58).
  const int top = static_cast<int>(std::nearbyint((resized.rows - crop) / 2.0));
  const int left = static_cast<int>(std::nearbyint((resized.cols - crop) / 2.0));
  return resized(cv::Rect(left, top, crop, crop)).clone();
}

}  // namespace dign::data
