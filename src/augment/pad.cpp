#include "augment/pad.h"

#include <utility>

#include "augment/window.h"
#include "core/error.h"

namespace dign::augment {

void PadOptions::validate() const {
  DIGN_CHECK(left() >= 0, "PadOptions: left must be >= 0, got ", left());
  DIGN_CHECK(top() >= 0, "PadOptions: top must be >= 0, got ", top());
  DIGN_CHECK(right() >= 0, "PadOptions: right must be >= 0, got ", right());
  DIGN_CHECK(bottom() >= 0, "PadOptions: bottom must be >= 0, got ", bottom());
}

Pad::Pad(PadOptions options) : options_(std::move(options)) {
  options_.validate();
}

void Pad::apply(Image& image, SampleRng& /*rng*/) const {
  const auto& o = options_;
  detail::zero_filled_window(image, -o.top(), -o.left(), image.height() + o.top() + o.bottom(),
                             image.width() + o.left() + o.right());
}

}  // namespace dign::augment
