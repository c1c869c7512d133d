#pragma once
// Internal: the zero-filled window that both RandomCrop and Pad cut.
#include <cstdint>

#include "augment/image.h"

namespace dign::augment::detail {

/// Replaces `image` with its window of height x width whose top-left corner is
/// source pixel (top, left); pixels outside the source are 0. Works on bytes or
/// floats alike (values are only moved, so the result is the same either way).
void zero_filled_window(Image& image, int64_t top, int64_t left, int64_t height, int64_t width);

}  // namespace dign::augment::detail
