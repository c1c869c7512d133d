// fog (corruptions.md 2.12): a plasma fractal added as gray haze, then the image is
// renormalized by M / (M + t) so the brightest clean value stays within range.
#include <algorithm>
#include <array>
#include <utility>

#include "core/error.h"
#include "corrupt/common.h"
#include "corrupt/weather/weather.h"

namespace dign::corrupt {
namespace {

// (fog amount t, wibbledecay): make_cifar_c.py / make_tinyimagenet_c.py / make_imagenet_c.py.
using FogParams = std::pair<double, double>;
constexpr std::array<FogParams, 5> kCifar = {
    {{0.2, 3}, {0.5, 3}, {0.75, 2.5}, {1, 2}, {1.5, 1.75}}};
constexpr std::array<FogParams, 5> kTiny = {{{0.4, 3}, {0.7, 3}, {1, 2.5}, {1.5, 2}, {2, 1.75}}};
// make_imagenet_c.py:381, with a 256 map (8 levels) of which the top-left 224 x 224 is used.
constexpr std::array<FogParams, 5> kImageNet = {
    {{1.5, 2}, {2, 2}, {2.5, 1.7}, {2.5, 1.5}, {3, 1.4}}};

int wrap(int i, int n) {
  return ((i % n) + n) % n;
}

}  // namespace

cv::Mat plasma_fractal(int mapsize, double wibbledecay, Rng& rng) {
  DIGN_CHECK(mapsize >= 2 && (mapsize & (mapsize - 1)) == 0,
             "plasma_fractal: mapsize must be a power of two >= 2, got ", mapsize);
  cv::Mat map(mapsize, mapsize, CV_64FC1, cv::Scalar(0.0));
  auto at = [&](int r, int c) -> double& { return map.at<double>(r, c); };
  double wibble = 100.0;
  // mean of 4 + wibble * U(-wibble, wibble): the noise amplitude is wibble^2, as in the original.
  auto wibbled_mean = [&](double sum) { return sum / 4 + wibble * rng.uniform(-wibble, wibble); };
  for (int step = mapsize; step >= 2; step /= 2) {
    const int half = step / 2, n = mapsize / step;  // n grid points per axis at this level
    // Squares: centres from their 4 corners (np.roll, so the map wraps around).
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        const int r0 = i * step, r1 = wrap(i + 1, n) * step;
        const int c0 = j * step, c1 = wrap(j + 1, n) * step;
        const double sum = (at(r0, c0) + at(r1, c0)) + (at(r0, c1) + at(r1, c1));
        at(r0 + half, c0 + half) = wibbled_mean(sum);
      }
    }
    // Diamonds on grid rows (top edges), then on grid columns (left edges); numpy draws the
    // noise for each whole set in row-major order, and so do we.
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        const double centres = at(i * step + half, j * step + half) +
                               at(wrap(i - 1, n) * step + half, j * step + half);
        const double corners = at(i * step, j * step) + at(i * step, wrap(j + 1, n) * step);
        at(i * step, j * step + half) = wibbled_mean(centres + corners);
      }
    }
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        const double centres = at(i * step + half, j * step + half) +
                               at(i * step + half, wrap(j - 1, n) * step + half);
        const double corners = at(i * step, j * step) + at(wrap(i + 1, n) * step, j * step);
        at(i * step + half, j * step) = wibbled_mean(centres + corners);
      }
    }
    wibble /= wibbledecay;
  }
  double low = 0.0, high = 0.0;
  cv::minMaxLoc(map, &low, &high);
  // Element-wise division, as numpy (OpenCV's Mat / s multiplies by 1 / s, and the maximum
  // would then miss 1.0 by an ulp).
  const double range = high - low;
  for (auto it = map.begin<double>(); it != map.end<double>(); ++it) *it = (*it - low) / range;
  return map;
}

cv::Mat fog(const cv::Mat& rgb, int severity, Rng& rng, const Context& context) {
  const auto [t, wibbledecay] = pick(kCifar, kTiny, kImageNet, severity, context);
  cv::Mat x = to_unit(rgb);
  double max_value = 0.0;
  cv::minMaxLoc(x.reshape(1), nullptr, &max_value);
  // The original's map is 32 (CIFAR), 64 (Tiny) or 256 (ImageNet), normalized to [0, 1] as a
  // whole and cut to the image's top-left (at 224 px that part does not span [0, 1] exactly and
  // is not periodic); larger images (which the original did not handle) get the next power of 2.
  int mapsize = context.table == Table::kImageNet ? 256 : context.table == Table::kTiny ? 64 : 32;
  while (mapsize < std::max(x.rows, x.cols)) mapsize *= 2;
  const cv::Mat plasma = plasma_fractal(mapsize, wibbledecay, rng);
  for (int r = 0; r < x.rows; ++r) {
    auto* row = x.ptr<cv::Vec3d>(r);
    const auto* haze = plasma.ptr<double>(r);
    for (int c = 0; c < x.cols; ++c) {
      for (int k = 0; k < 3; ++k) {
        // Same operation order as the original: (x + t F) * M / (M + t).
        row[c][k] = (row[c][k] + t * haze[c]) * max_value / (max_value + t);
      }
    }
  }
  return from_unit_truncate(x);
}

}  // namespace dign::corrupt
