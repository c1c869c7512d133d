#include "augment/window.h"

#include <algorithm>
#include <vector>

#include "core/error.h"

namespace dign::augment::detail {
namespace {

template <typename T>
std::vector<T> window(const std::vector<T>& src, int64_t h, int64_t w, int64_t top, int64_t left,
                      int64_t height, int64_t width) {
  std::vector<T> out(static_cast<size_t>(height * width * 3), T(0));
  // Columns x with 0 <= x + left < w, copied row by row.
  const int64_t x0 = std::max<int64_t>(0, -left);
  const int64_t x1 = std::min<int64_t>(width, w - left);
  if (x0 >= x1) return out;
  for (int64_t y = 0; y < height; ++y) {
    const int64_t sy = y + top;
    if (sy < 0 || sy >= h) continue;
    const T* from = src.data() + (sy * w + x0 + left) * 3;
    std::copy(from, from + (x1 - x0) * 3, out.data() + (y * width + x0) * 3);
  }
  return out;
}

}  // namespace

void zero_filled_window(Image& image, int64_t top, int64_t left, int64_t height, int64_t width) {
  DIGN_CHECK(height >= 0 && width >= 0, "augment: negative window size ", height, "x", width);
  const int64_t h = image.height(), w = image.width();
  if (image.is_float()) {
    image.assign(height, width, window(image.floats(), h, w, top, left, height, width));
  } else {
    image.assign(height, width, window(image.bytes(), h, w, top, left, height, width));
  }
}

}  // namespace dign::augment::detail
