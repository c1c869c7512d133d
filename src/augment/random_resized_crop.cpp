#include "augment/random_resized_crop.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "core/error.h"

namespace dign::augment {
namespace {

// Bilinear resize of `region` of an h x w HWC image to size x size, written
// straight into the returned buffer.
template <typename T>
std::vector<T> resize_region(std::vector<T>& src, int64_t h, int64_t w, const cv::Rect& region,
                             int64_t size, int type) {
  std::vector<T> out(static_cast<size_t>(size * size * 3));
  const cv::Mat source(static_cast<int>(h), static_cast<int>(w), type, src.data());
  cv::Mat dst(static_cast<int>(size), static_cast<int>(size), type, out.data());
  cv::resize(source(region), dst, dst.size(), 0, 0, cv::INTER_LINEAR);
  // A destination of the right size and type is written in place, never reallocated.
  DIGN_CHECK(dst.data == reinterpret_cast<uchar*>(out.data()),
             "RandomResizedCrop: OpenCV reallocated the output");
  return out;
}

}  // namespace

void RandomResizedCropOptions::validate() const {
  DIGN_CHECK(size() >= 1, "RandomResizedCropOptions: size must be >= 1, got ", size());
  DIGN_CHECK(scale_min() > 0 && scale_min() <= scale_max() && scale_max() <= 1,
             "RandomResizedCropOptions: scale must satisfy 0 < scale_min <= scale_max <= 1, got ",
             scale_min(), " to ", scale_max());
  DIGN_CHECK(ratio_min() > 0 && ratio_min() <= ratio_max(),
             "RandomResizedCropOptions: ratio must satisfy 0 < ratio_min <= ratio_max, got ",
             ratio_min(), " to ", ratio_max());
  DIGN_CHECK(attempts() >= 0, "RandomResizedCropOptions: attempts must be >= 0, got ", attempts());
}

RandomResizedCrop::RandomResizedCrop(RandomResizedCropOptions options)
    : options_(std::move(options)) {
  options_.validate();
}

void RandomResizedCrop::apply(Image& image, SampleRng& rng) const {
  const auto& o = options_;
  const int64_t h = image.height(), w = image.width();
  DIGN_CHECK(h >= 1 && w >= 1, "RandomResizedCrop: empty image ", h, "x", w);
  int64_t crop_h = std::min(h, w), crop_w = crop_h;
  int64_t top = (h - crop_h) / 2, left = (w - crop_w) / 2;
  const double area = static_cast<double>(h * w);
  const double log_ratio_min = std::log(o.ratio_min()), log_ratio_max = std::log(o.ratio_max());
  for (int64_t attempt = 0; attempt < o.attempts(); ++attempt) {
    const double target = area * rng.uniform(o.scale_min(), o.scale_max());
    const double ratio = std::exp(rng.uniform(log_ratio_min, log_ratio_max));
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
  const cv::Rect region(static_cast<int>(left), static_cast<int>(top), static_cast<int>(crop_w),
                        static_cast<int>(crop_h));
  const int64_t s = o.size();
  if (image.is_float()) {
    image.assign(s, s, resize_region(image.floats(), h, w, region, s, CV_32FC3));
  } else {
    image.assign(s, s, resize_region(image.bytes(), h, w, region, s, CV_8UC3));
  }
}

}  // namespace dign::augment
