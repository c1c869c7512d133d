// frost (corruptions.md 2.11): one of five frost overlays, resized (by 0.2 or 0.3 for the 32 and
// 64 px tables, not at all for the 224 px one), randomly cropped to the image and blended in the
// 0..255 domain: y = clip(a x + b frost, 0, 255).
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <mutex>
#include <utility>

#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/rng.h"
#include "corrupt/common.h"
#include "corrupt/weather/frost_texture.h"
#include "corrupt/weather/weather.h"

namespace dign::corrupt {
namespace {

// (image weight a, frost weight b): make_cifar_c.py / make_tinyimagenet_c.py.
using FrostParams = std::pair<double, double>;
constexpr std::array<FrostParams, 5> kCifar = {
    {{1, 0.2}, {1, 0.3}, {0.9, 0.4}, {0.85, 0.4}, {0.75, 0.45}}};
constexpr std::array<FrostParams, 5> kTiny = {
    {{1, 0.3}, {0.9, 0.4}, {0.8, 0.45}, {0.75, 0.5}, {0.7, 0.55}}};
// make_imagenet_c.py:390; its overlays are cropped at their native resolution (no resize).
constexpr std::array<FrostParams, 5> kImageNet = {
    {{1, 0.4}, {0.8, 0.6}, {0.7, 0.7}, {0.65, 0.7}, {0.6, 0.75}}};

// The original crops 32, 64 or 224 px from overlays at least 63, 94 or 315 px tall. Larger
// images (which it did not handle) get the overlay enlarged until a crop with one offset fits.
cv::Mat cover(const cv::Mat& overlay, cv::Size image) {
  if (overlay.rows > image.height && overlay.cols > image.width) return overlay;
  const double factor =
      std::max((image.height + 1.0) / overlay.rows, (image.width + 1.0) / overlay.cols);
  cv::Mat larger;
  cv::resize(
      overlay, larger,
      cv::Size(std::max(image.width + 1, static_cast<int>(std::ceil(overlay.cols * factor))),
               std::max(image.height + 1, static_cast<int>(std::ceil(overlay.rows * factor)))),
      0, 0, cv::INTER_LINEAR);
  return larger;
}

// The procedural stand-ins for the five photographs: generated once per (index, table) from
// fixed seeds and shared by every image, as the original shares its five photographs; only
// the choice and the crop are drawn per image. (Generating a texture per image costs ~3 ms.)
const cv::Mat& procedural_overlay(int index, Table table) {
  static std::mutex mutex;
  static std::map<std::pair<int, Table>, cv::Mat> cache;
  std::lock_guard<std::mutex> lock(mutex);
  cv::Mat& overlay = cache[{index, table}];
  if (overlay.empty()) {
    Rng rng(procedural_overlay_seed(index, table));
    overlay = procedural_frost(index, table, rng);
  }
  return overlay;
}

}  // namespace

uint64_t procedural_overlay_seed(int index, Table table) {
  return derive_seed(0, {purpose_tag("procedural-frost"), static_cast<uint64_t>(index),
                         static_cast<uint64_t>(table)});
}

cv::Mat frost(const cv::Mat& rgb, int severity, Rng& rng, const Context& context) {
  const auto [a, b] = pick(kCifar, kTiny, kImageNet, severity, context);
  DIGN_CHECK(rgb.type() == CV_8UC3, "frost: expected a uint8 HxWx3 image");
  const int index = static_cast<int>(rng.integer(0, 5));  // randint(5): frost6 never drawn
  cv::Mat overlay;
  if (context.frost_images != nullptr && !context.frost_images->empty()) {
    const auto& photos = *context.frost_images;
    DIGN_CHECK(photos.size() == 5, "frost: expected the 5 photographs frost1..frost5, got ",
               photos.size());
    const cv::Mat& photo = photos[static_cast<size_t>(index)];
    DIGN_CHECK(photo.type() == CV_8UC3, "frost: photograph ", index + 1,
               " is not a uint8 RGB image");
    const double scale = frost_scale(context.table);
    if (scale == 1.0) {
      overlay = photo;  // ImageNet-C: the photograph as it is (only read)
    } else {
      cv::resize(photo, overlay, cv::Size(), scale, scale, cv::INTER_LINEAR);
    }
  } else {
    overlay = procedural_overlay(index, context.table);
  }
  overlay = cover(overlay, rgb.size());
  // randint(0, H_f - S), randint(0, W_f - S): the upper bounds are exclusive, as numpy's.
  const int top = static_cast<int>(rng.integer(0, overlay.rows - rgb.rows));
  const int left = static_cast<int>(rng.integer(0, overlay.cols - rgb.cols));
  const cv::Mat crop = overlay(cv::Rect(left, top, rgb.cols, rgb.rows));

  cv::Mat blended(rgb.size(), CV_64FC3);
  for (int r = 0; r < rgb.rows; ++r) {
    const auto* x = rgb.ptr<cv::Vec3b>(r);
    const auto* f = crop.ptr<cv::Vec3b>(r);
    auto* o = blended.ptr<cv::Vec3d>(r);
    for (int c = 0; c < rgb.cols; ++c) {
      for (int k = 0; k < 3; ++k) o[c][k] = a * x[c][k] + b * f[c][k];
    }
  }
  return from_255_truncate(blended);  // clip to 0..255, truncating uint8 cast
}

}  // namespace dign::corrupt
