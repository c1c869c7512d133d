#include "corrupt/blur.h"

#include <opencv2/imgproc.hpp>

#include <array>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "corrupt/blur_detail.h"
#include "corrupt/common.h"
#include "corrupt/filters.h"

namespace dign::corrupt {
namespace {

// Severity tables of make_cifar_c.py (32 px), make_tinyimagenet_c.py (64 px) and
// make_imagenet_c.py (224 px; corruptions-imagenet-c.md section 1, MIC:289-346).
constexpr std::array<double, 5> kGaussianSigmaCifar = {0.4, 0.6, 0.7, 0.8, 1.0};
constexpr std::array<double, 5> kGaussianSigmaTiny = {0.5, 0.75, 1.0, 1.25, 1.5};
constexpr std::array<double, 5> kGaussianSigmaImageNet = {1, 2, 3, 4, 6};

struct GlassParams {
  double sigma;
  int max_delta;
  int iterations;
};
constexpr std::array<GlassParams, 5> kGlassCifar = {
    {{0.05, 1, 1}, {0.25, 1, 1}, {0.4, 1, 1}, {0.25, 1, 2}, {0.4, 1, 2}}};
constexpr std::array<GlassParams, 5> kGlassTiny = {
    {{0.1, 1, 1}, {0.5, 1, 1}, {0.6, 1, 2}, {0.7, 2, 1}, {0.9, 2, 2}}};
// At 224 px the blur is real at every severity and d reaches 4, so copies chain further.
constexpr std::array<GlassParams, 5> kGlassImageNet = {
    {{0.7, 1, 2}, {0.9, 2, 1}, {1, 2, 3}, {1.1, 3, 2}, {1.5, 4, 2}}};

struct DefocusParams {
  double radius;
  double alias_sigma;
};
constexpr std::array<DefocusParams, 5> kDefocusCifar = {
    {{0.3, 0.4}, {0.4, 0.5}, {0.5, 0.6}, {1, 0.2}, {1.5, 0.1}}};
constexpr std::array<DefocusParams, 5> kDefocusTiny = {
    {{0.5, 0.6}, {1, 0.1}, {1.5, 0.1}, {2.5, 0.01}, {3, 0.1}}};
// Radius 10 is the only use of the r > 8 branch (21 x 21 grid, 5 x 5 anti-aliasing). The
// kernel is not renormalized after the anti-aliasing: it sums to 1.013 (r 8) and 1.011 (r 10).
constexpr std::array<DefocusParams, 5> kDefocusImageNet = {
    {{3, 0.1}, {4, 0.5}, {6, 0.5}, {8, 0.5}, {10, 0.5}}};

struct MotionParams {  // ImageMagick radius and sigma
  double radius;
  double sigma;
};
constexpr std::array<MotionParams, 5> kMotionCifar = {{{6, 1}, {6, 1.5}, {6, 2}, {8, 2}, {9, 2.5}}};
constexpr std::array<MotionParams, 5> kMotionTiny = {
    {{10, 1}, {10, 1.5}, {10, 2}, {10, 2.5}, {12, 3}}};
constexpr std::array<MotionParams, 5> kMotionImageNet = {
    {{10, 3}, {15, 5}, {15, 8}, {15, 12}, {20, 15}}};

struct ZoomParams {  // np.arange(1, end, step)
  double end;
  double step;
};
// The same at 32 and 64 px; at 224 px the step grows: 12, 16, 11, 13, 11 factors.
constexpr std::array<ZoomParams, 5> kZoomSmall = {
    {{1.06, 0.01}, {1.11, 0.01}, {1.16, 0.01}, {1.21, 0.01}, {1.26, 0.01}}};
constexpr std::array<ZoomParams, 5> kZoomImageNet = {
    {{1.11, 0.01}, {1.16, 0.01}, {1.21, 0.02}, {1.26, 0.02}, {1.31, 0.03}}};

}  // namespace

namespace detail {

cv::Mat defocus_disk(double radius) {
  // np.arange(-8, 8 + 1) or np.arange(-radius, radius + 1).
  const double first = radius <= 8 ? -8.0 : -radius;
  const int n = radius <= 8 ? 17 : static_cast<int>(std::ceil(2.0 * radius + 1.0));
  cv::Mat disk(n, n, CV_32FC1);
  float count = 0.0f;
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      const double X = first + x, Y = first + y;
      const bool inside = X * X + Y * Y <= radius * radius;
      disk.at<float>(y, x) = inside ? 1.0f : 0.0f;
      count += disk.at<float>(y, x);
    }
  }
  for (auto it = disk.begin<float>(); it != disk.end<float>(); ++it) *it /= count;  // float32
  return disk;
}

cv::Mat defocus_kernel(double radius, double alias_sigma) {
  const int k = radius <= 8 ? 3 : 5;
  cv::Mat kernel;
  cv::GaussianBlur(defocus_disk(radius), kernel, cv::Size(k, k), alias_sigma);
  return kernel;
}

std::vector<double> zoom_factors(double end, double step) {
  DIGN_CHECK(step > 0.0 && end > 1.0, "zoom_factors: expected end > 1 and step > 0, got ", end,
             ", ", step);
  // numpy: length ceil((stop - start) / step); values start + i * (start + step - start).
  const auto n = static_cast<size_t>(std::ceil((end - 1.0) / step));
  const double delta = (1.0 + step) - 1.0;
  std::vector<double> factors(n);
  for (size_t i = 0; i < n; ++i) factors[i] = 1.0 + static_cast<double>(i) * delta;
  return factors;
}

void glass_shuffle(cv::Mat& image_u8, int max_delta, Rng& rng) {
  DIGN_CHECK(image_u8.depth() == CV_8U && image_u8.isContinuous() && max_delta >= 1,
             "glass_shuffle: expected a continuous uint8 image and max_delta >= 1, got ",
             max_delta);
  const int d = max_delta;
  const size_t pixel = image_u8.elemSize();
  uint8_t* data = image_u8.ptr<uint8_t>();
  const size_t stride = static_cast<size_t>(image_u8.cols) * pixel;
  for (int h = image_u8.rows - d; h > d; --h) {
    for (int w = image_u8.cols - d; w > d; --w) {
      // randint(-d, d, size=(2,)) gives dx first, then dy.
      const auto dx = static_cast<int>(rng.integer(-d, d));
      const auto dy = static_cast<int>(rng.integer(-d, d));
      // The original's tuple "swap" of two numpy views only copies the partner into (h, w).
      std::memcpy(data + static_cast<size_t>(h) * stride + static_cast<size_t>(w) * pixel,
                  data + static_cast<size_t>(h + dy) * stride + static_cast<size_t>(w + dx) * pixel,
                  pixel);
    }
  }
}

}  // namespace detail

cv::Mat gaussian_blur(const cv::Mat& rgb, int severity, Rng&, const Context& context) {
  const double sigma =
      pick(kGaussianSigmaCifar, kGaussianSigmaTiny, kGaussianSigmaImageNet, severity, context);
  return from_unit_truncate(skimage_gaussian(to_unit(rgb), sigma));
}

cv::Mat glass_blur(const cv::Mat& rgb, int severity, Rng& rng, const Context& context) {
  const GlassParams& p = pick(kGlassCifar, kGlassTiny, kGlassImageNet, severity, context);
  // The shuffle runs on np.uint8(gaussian(x) * 255): truncated, not rounded.
  cv::Mat shuffled = from_255_truncate(skimage_gaussian(to_unit(rgb), p.sigma) * 255.0);
  for (int i = 0; i < p.iterations; ++i) detail::glass_shuffle(shuffled, p.max_delta, rng);
  return from_unit_truncate(skimage_gaussian(to_unit(shuffled), p.sigma));
}

cv::Mat defocus_blur(const cv::Mat& rgb, int severity, Rng&, const Context& context) {
  const DefocusParams& p = pick(kDefocusCifar, kDefocusTiny, kDefocusImageNet, severity, context);
  cv::Mat out;
  // Per channel correlation on float64 with the float32 kernel, default border REFLECT_101.
  cv::filter2D(to_unit(rgb), out, -1, detail::defocus_kernel(p.radius, p.alias_sigma),
               cv::Point(-1, -1), 0.0, cv::BORDER_REFLECT_101);
  return from_unit_truncate(out);
}

cv::Mat motion_blur(const cv::Mat& rgb, int severity, Rng& rng, const Context& context) {
  const MotionParams& p = pick(kMotionCifar, kMotionTiny, kMotionImageNet, severity, context);
  DIGN_CHECK(rgb.type() == CV_8UC3, "motion_blur: expected a uint8 HxWx3 image, got type ",
             rgb.type());
  return imagemagick_motion_blur(rgb, p.radius, p.sigma, rng.uniform(-45.0, 45.0));
}

cv::Mat zoom_blur(const cv::Mat& rgb, int severity, Rng&, const Context& context) {
  const ZoomParams& p = pick(kZoomSmall, kZoomSmall, kZoomImageNet, severity, context);
  const std::vector<double> factors = detail::zoom_factors(p.end, p.step);
  // The original works in float32: x = (x / 255.).astype(float32), out accumulates float32
  // zooms (scipy interpolates in double, stores float32), then (x + out) / (n + 1).
  cv::Mat x32;
  to_unit(rgb).convertTo(x32, CV_32F);
  cv::Mat x64;
  x32.convertTo(x64, CV_64F);
  cv::Mat sum = cv::Mat::zeros(x32.size(), x32.type());
  cv::Mat zoomed32;
  for (double z : factors) {
    clipped_zoom(x64, z).convertTo(zoomed32, CV_32F);
    sum += zoomed32;
  }
  const auto denominator = static_cast<float>(factors.size() + 1);
  cv::Mat out(rgb.size(), CV_8UC3);
  const float* xs = x32.ptr<float>();
  const float* ss = sum.ptr<float>();
  uint8_t* o = out.ptr<uint8_t>();
  const size_t n = x32.total() * 3;
  for (size_t i = 0; i < n; ++i) {
    float y = (xs[i] + ss[i]) / denominator;
    y = y < 0.0f ? 0.0f : (y > 1.0f ? 1.0f : y);
    o[i] = static_cast<uint8_t>(y * 255.0f);  // float32 times 255, then truncation
  }
  return out;
}

}  // namespace dign::corrupt
