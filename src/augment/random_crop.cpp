#include "augment/random_crop.h"

#include <utility>

#include "augment/window.h"
#include "core/error.h"

namespace dign::augment {

void RandomCropOptions::validate() const {
  DIGN_CHECK(padding() >= 0, "RandomCropOptions: padding must be >= 0, got ", padding());
}

RandomCrop::RandomCrop(RandomCropOptions options) : options_(std::move(options)) {
  options_.validate();
}

void RandomCrop::apply(Image& image, SampleRng& rng) const {
  // torchvision draws randint(0, h + 2p - h + 1) on the padded image: offset - p.
  const int64_t p = options_.padding();
  const auto span = static_cast<uint64_t>(2 * p + 1);
  const int64_t top = static_cast<int64_t>(rng.below(span)) - p;
  const int64_t left = static_cast<int64_t>(rng.below(span)) - p;
  detail::zero_filled_window(image, top, left, image.height(), image.width());
}

}  // namespace dign::augment
