#include "augment/horizontal_flip.h"

#include <utility>
#include <vector>

#include "core/error.h"

namespace dign::augment {
namespace {

template <typename T>
void mirror(std::vector<T>& hwc, int64_t h, int64_t w) {
  for (int64_t y = 0; y < h; ++y) {
    T* row = hwc.data() + y * w * 3;
    for (int64_t x = 0; x < w / 2; ++x) {
      for (int c = 0; c < 3; ++c) std::swap(row[3 * x + c], row[3 * (w - 1 - x) + c]);
    }
  }
}

}  // namespace

void HorizontalFlipOptions::validate() const {
  DIGN_CHECK(p() >= 0.0 && p() <= 1.0, "HorizontalFlipOptions: p must be in [0, 1], got ", p());
}

HorizontalFlip::HorizontalFlip(HorizontalFlipOptions options) : options_(std::move(options)) {
  options_.validate();
}

void HorizontalFlip::apply(Image& image, SampleRng& rng) const {
  if (!rng.bernoulli(options_.p())) return;
  if (image.is_float()) {
    mirror(image.floats(), image.height(), image.width());
  } else {
    mirror(image.bytes(), image.height(), image.width());
  }
}

}  // namespace dign::augment
