// snow (corruptions.md 2.10): a thresholded Gaussian flake layer, motion-blurred into
// falling streaks, added twice (as drawn and rotated 180 degrees) onto a whitened image.
#include <algorithm>
#include <array>

#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "corrupt/common.h"
#include "corrupt/filters.h"
#include "corrupt/weather/weather.h"

namespace dign::corrupt {
namespace {

// (loc, scale, zoom, threshold, motion-blur radius, motion-blur sigma, blend).
struct SnowParams {
  double loc, scale, zoom, threshold, radius, sigma, blend;
};
// make_cifar_c.py / make_tinyimagenet_c.py: only the blend differs.
constexpr std::array<SnowParams, 5> kCifar = {{{0.1, 0.2, 1, 0.6, 8, 3, 0.95},
                                               {0.1, 0.2, 1, 0.5, 10, 4, 0.9},
                                               {0.15, 0.3, 1.75, 0.55, 10, 4, 0.9},
                                               {0.25, 0.3, 2.25, 0.6, 12, 6, 0.85},
                                               {0.3, 0.3, 1.25, 0.65, 14, 12, 0.8}}};
constexpr std::array<SnowParams, 5> kTiny = {{{0.1, 0.2, 1, 0.6, 8, 3, 0.8},
                                              {0.1, 0.2, 1, 0.5, 10, 4, 0.8},
                                              {0.15, 0.3, 1.75, 0.55, 10, 4, 0.7},
                                              {0.25, 0.3, 2.25, 0.6, 12, 6, 0.65},
                                              {0.3, 0.3, 1.25, 0.65, 14, 12, 0.6}}};
// make_imagenet_c.py:406: zooms 3, 2, 4, 4.5, 2.5 (much bigger flakes: clipped_zoom crops 75,
// 112, 56, 50, 90 px and zooms them to 224 or 225), motion kernels 21 and 25 px wide.
constexpr std::array<SnowParams, 5> kImageNet = {{{0.1, 0.3, 3, 0.5, 10, 4, 0.8},
                                                  {0.2, 0.3, 2, 0.5, 12, 4, 0.7},
                                                  {0.55, 0.3, 4, 0.9, 12, 8, 0.7},
                                                  {0.55, 0.3, 4.5, 0.85, 12, 8, 0.65},
                                                  {0.55, 0.3, 2.5, 0.85, 12, 12, 0.55}}};

// The flake layer as the original hands it to ImageMagick: N(loc, scale) per pixel, zoomed,
// values below the threshold zeroed, then uint8(clip01 * 255) (truncating).
cv::Mat flake_layer(int rows, int cols, const SnowParams& p, Rng& rng) {
  cv::Mat layer(rows, cols, CV_64FC1);
  for (auto it = layer.begin<double>(); it != layer.end<double>(); ++it) {
    *it = rng.normal(p.loc, p.scale);
  }
  const cv::Mat zoomed = clipped_zoom(layer, p.zoom);
  cv::Mat quantized(zoomed.size(), CV_8UC1);
  for (int r = 0; r < zoomed.rows; ++r) {
    for (int c = 0; c < zoomed.cols; ++c) {
      double v = zoomed.at<double>(r, c);
      v = v < p.threshold ? 0.0 : std::min(v, 1.0);
      quantized.at<uint8_t>(r, c) = static_cast<uint8_t>(v * 255.0);
    }
  }
  return quantized;
}

}  // namespace

cv::Mat snow(const cv::Mat& rgb, int severity, Rng& rng, const Context& context) {
  const SnowParams& p = pick(kCifar, kTiny, kImageNet, severity, context);
  DIGN_CHECK(rgb.type() == CV_8UC3, "snow: expected a uint8 HxWx3 image");
  const cv::Mat layer = flake_layer(rgb.rows, rgb.cols, p, rng);
  // Angle in [-135, -45] degrees: ImageMagick samples upward, so streaks trail downward.
  const cv::Mat streaks =
      imagemagick_motion_blur(layer, p.radius, p.sigma, rng.uniform(-135.0, -45.0));
  DIGN_CHECK(streaks.size() == rgb.size(), "snow: the flake layer lost the image size");
  cv::Mat streaks_rot;
  cv::flip(streaks, streaks_rot, -1);  // np.rot90(k=2)

  // The original whitens in float32 (x = float32 / 255; python scalars stay float32), with
  // the library's own RGB2GRAY.
  cv::Mat x(rgb.size(), CV_32FC3);
  for (int r = 0; r < rgb.rows; ++r) {
    const auto* in = rgb.ptr<cv::Vec3b>(r);
    auto* v = x.ptr<cv::Vec3f>(r);
    for (int c = 0; c < rgb.cols; ++c) {
      for (int k = 0; k < 3; ++k) v[c][k] = static_cast<float>(in[c][k]) / 255.0f;
    }
  }
  cv::Mat gray;
  cv::cvtColor(x, gray, cv::COLOR_RGB2GRAY);
  const float blend = static_cast<float>(p.blend);
  const float keep = static_cast<float>(1.0 - p.blend);
  cv::Mat out(rgb.size(), CV_64FC3);
  for (int r = 0; r < rgb.rows; ++r) {
    const auto* v = x.ptr<cv::Vec3f>(r);
    const auto* g = gray.ptr<float>(r);
    auto* o = out.ptr<cv::Vec3d>(r);
    for (int c = 0; c < rgb.cols; ++c) {
      const float lifted = g[c] * 1.5f + 0.5f;
      const double flakes = streaks.at<uint8_t>(r, c) / 255.0;
      const double flakes_rot = streaks_rot.at<uint8_t>(r, c) / 255.0;
      for (int k = 0; k < 3; ++k) {
        const float whitened = blend * v[c][k] + keep * std::max(v[c][k], lifted);
        o[c][k] = static_cast<double>(whitened) + flakes + flakes_rot;
      }
    }
  }
  return from_unit_truncate(out);
}

}  // namespace dign::corrupt
