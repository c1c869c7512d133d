#include "augment/augmix_ops.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <vector>

#include "core/error.h"

// The arithmetic below follows Pillow 9.4 step by step (its ImageOps.py and Image.py, and
// libImaging's Geometry.c, Blend.c, Filter.c and Convert.c), in the same types and order, so
// that with dign_base's -ffp-contract=off every byte comes out as Pillow's: the oracle test
// (tests/augment/oracle/augmix_oracle.py) finds them all equal.

namespace dign::augment {
namespace {

constexpr int64_t kChannels = 3;
using Lut = std::array<std::array<uint8_t, 256>, kChannels>;

// One scratch image per thread: the operations that read neighbours copy their input here, so
// a call allocates nothing once the buffer has grown to the image size.
uint8_t* scratch(size_t bytes) {
  thread_local std::vector<uint8_t> buffer;
  if (buffer.size() < bytes) buffer.resize(bytes);
  return buffer.data();
}

void apply_lut(const Lut& lut, uint8_t* hwc, int64_t pixels) {
  for (int64_t i = 0; i < pixels; ++i, hwc += kChannels) {
    for (int64_t c = 0; c < kChannels; ++c) hwc[c] = lut[c][hwc[c]];
  }
}

void apply_lut(const std::array<uint8_t, 256>& lut, uint8_t* hwc, int64_t pixels) {
  for (int64_t i = 0; i < pixels * kChannels; ++i) hwc[i] = lut[hwc[i]];
}

using Histograms = std::array<std::array<int64_t, 256>, kChannels>;

Histograms histograms(const uint8_t* hwc, int64_t pixels) {
  Histograms h{};
  for (int64_t i = 0; i < pixels; ++i, hwc += kChannels) {
    for (int64_t c = 0; c < kChannels; ++c) ++h[c][hwc[c]];
  }
  return h;
}

uint8_t clip8(int64_t v) {
  return static_cast<uint8_t>(std::clamp<int64_t>(v, 0, 255));
}

// ImageOps.autocontrast (no cutoff): lut[v] = int(v * scale + offset), clipped, per channel.
void autocontrast(uint8_t* hwc, int64_t pixels) {
  const Histograms h = histograms(hwc, pixels);
  Lut lut;
  for (int64_t c = 0; c < kChannels; ++c) {
    int lo = 0, hi = 255;
    while (lo < 255 && h[c][lo] == 0) ++lo;
    while (hi > 0 && h[c][hi] == 0) --hi;
    for (int v = 0; v < 256; ++v) lut[c][v] = static_cast<uint8_t>(v);
    if (hi <= lo) continue;
    const double scale = 255.0 / (hi - lo);
    const double offset = -lo * scale;
    // Python's int() truncates toward zero, as the cast does.
    for (int v = 0; v < 256; ++v) lut[c][v] = clip8(static_cast<int64_t>(v * scale + offset));
  }
  apply_lut(lut, hwc, pixels);
}

// ImageOps.equalize. Its table can reach 256 for the last occupied level; Image.point clips
// table entries to 0..255 (CLIP8 in _imaging.c), as clip8 does here.
void equalize(uint8_t* hwc, int64_t pixels) {
  const Histograms h = histograms(hwc, pixels);
  Lut lut;
  for (int64_t c = 0; c < kChannels; ++c) {
    for (int v = 0; v < 256; ++v) lut[c][v] = static_cast<uint8_t>(v);
    int last = 255;
    while (last > 0 && h[c][last] == 0) --last;
    int occupied = 0;
    for (int v = 0; v < 256; ++v) occupied += h[c][v] != 0;
    if (occupied <= 1) continue;
    const int64_t step = (pixels - h[c][last]) / 255;
    if (step == 0) continue;
    int64_t n = step / 2;
    for (int v = 0; v < 256; ++v) {
      lut[c][v] = clip8(n / step);
      n += h[c][v];
    }
  }
  apply_lut(lut, hwc, pixels);
}

void posterize(double bits, uint8_t* hwc, int64_t pixels) {
  DIGN_CHECK(bits == std::floor(bits) && bits <= 8,
             "apply_op(posterize): bits must be an integer <= 8, got ", bits);
  // ~(2^(8 - bits) - 1): bits <= 0 keeps nothing.
  const int mask = bits <= 0 ? 0 : 0xff & ~((1 << (8 - static_cast<int>(bits))) - 1);
  std::array<uint8_t, 256> lut;
  for (int v = 0; v < 256; ++v) lut[v] = static_cast<uint8_t>(v & mask);
  apply_lut(lut, hwc, pixels);
}

void solarize(double threshold, uint8_t* hwc, int64_t pixels) {
  std::array<uint8_t, 256> lut;
  for (int v = 0; v < 256; ++v) lut[v] = static_cast<uint8_t>(v < threshold ? v : 255 - v);
  apply_lut(lut, hwc, pixels);
}

// An integer translation samples exactly at pixel centres (dx = dy = 0 below), so it is a plain
// shift with zero fill: out(x, y) = in(x + tx, y + ty). Rows are visited so that none is
// overwritten before it is read.
void shift(int64_t tx, int64_t ty, uint8_t* hwc, int64_t height, int64_t width) {
  const int64_t row = width * kChannels;
  const int64_t x_lo = std::clamp<int64_t>(-tx, 0, width),
                x_hi = std::clamp<int64_t>(width - tx, 0, width);
  for (int64_t i = 0; i < height; ++i) {
    const int64_t y = ty >= 0 ? i : height - 1 - i, sy = y + ty;
    uint8_t* out = hwc + y * row;
    if (sy < 0 || sy >= height || x_lo >= x_hi) {
      std::fill(out, out + row, uint8_t{0});
      continue;
    }
    std::memmove(out + x_lo * kChannels, hwc + sy * row + (x_lo + tx) * kChannels,
                 static_cast<size_t>((x_hi - x_lo) * kChannels));
    std::fill(out, out + x_lo * kChannels, uint8_t{0});
    std::fill(out + x_hi * kChannels, out + row, uint8_t{0});
  }
}

// Image.transform(size, AFFINE, m, resample=BILINEAR) into the same size (Geometry.c's generic
// transform with the bilinear filter): the output pixel centre maps to (u, v); outside
// [0, W) x [0, H) the pixel is 0, else the input is interpolated at (u - 0.5, v - 0.5) with
// columns clamped to the image and a missing next row replaced by the row itself, in doubles,
// and truncated.
void affine(const std::array<double, 6>& m, uint8_t* hwc, int64_t height, int64_t width) {
  const double w = static_cast<double>(width), h = static_cast<double>(height);
  if (m[0] == 1.0 && m[1] == 0.0 && m[3] == 0.0 && m[4] == 1.0 && m[2] == std::trunc(m[2]) &&
      m[5] == std::trunc(m[5])) {
    const double tx = std::clamp(m[2], -w, w), ty = std::clamp(m[5], -h, h);
    return shift(static_cast<int64_t>(tx), static_cast<int64_t>(ty), hwc, height, width);
  }
  const size_t bytes = static_cast<size_t>(height * width * kChannels);
  uint8_t* src = scratch(bytes);
  std::copy(hwc, hwc + bytes, src);
  const int64_t row_bytes = width * kChannels;
  uint8_t* out = hwc;
  for (int64_t y = 0; y < height; ++y) {
    const double yc = static_cast<double>(y) + 0.5;
    const double m1y = m[1] * yc, m4y = m[4] * yc;  // the same products as Pillow's, hoisted
    for (int64_t x = 0; x < width; ++x, out += kChannels) {
      const double xc = static_cast<double>(x) + 0.5;
      double u = m[0] * xc + m1y + m[2];
      double v = m[3] * xc + m4y + m[5];
      if (u < 0.0 || u >= w || v < 0.0 || v >= h) {
        out[0] = out[1] = out[2] = 0;
        continue;
      }
      u -= 0.5;
      v -= 0.5;
      // floor() for values >= -0.5, as Pillow's FLOOR, without a libm call.
      const int64_t xi = u < 0.0 ? -1 : static_cast<int64_t>(u);
      const int64_t yi = v < 0.0 ? -1 : static_cast<int64_t>(v);
      const double dx = u - static_cast<double>(xi), dy = v - static_cast<double>(yi);
      const int64_t x0 = std::clamp<int64_t>(xi, 0, width - 1) * kChannels;
      const int64_t x1 = std::clamp<int64_t>(xi + 1, 0, width - 1) * kChannels;
      const uint8_t* row0 = src + std::clamp<int64_t>(yi, 0, height - 1) * row_bytes;
      const bool has_row1 = yi + 1 < height;  // yi >= -1
      const uint8_t* row1 = src + (yi + 1) * row_bytes;
      for (int64_t c = 0; c < kChannels; ++c) {
        const int a0 = row0[x0 + c], b0 = row0[x1 + c];
        const double top = a0 + (b0 - a0) * dx;
        double bottom = top;
        if (has_row1) {
          const int a1 = row1[x0 + c], b1 = row1[x1 + c];
          bottom = a1 + (b1 - a1) * dx;
        }
        out[c] = static_cast<uint8_t>(top + (bottom - top) * dy);
      }
    }
  }
}

// Python's round(value, 15): the correctly rounded decimal with 15 digits after the point, read
// back (glibc's printf and strtod are exact, as CPython's dtoa is).
double round15(double value) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.15f", value);
  return std::strtod(text, nullptr);
}

// Image.rotate(degrees, BILINEAR) without expand: the inverse rotation about (W/2, H/2).
void rotate(double degrees, uint8_t* hwc, int64_t height, int64_t width) {
  // Python's float %: the result takes the divisor's sign (-5 % 360.0 == 355.0).
  double angle = std::fmod(degrees, 360.0);
  if (angle < 0.0) angle += 360.0;
  // Pillow returns a copy at 0; its transposes at 90, 180, 270 give the same bytes as the
  // bilinear map below, whose coefficients are then exact (round(cos(pi / 2), 15) == 0).
  if (angle == 0.0) return;
  const double radians = -(angle * (3.141592653589793 / 180.0));  // math.radians
  const double cos_a = std::cos(radians), sin_a = std::sin(radians);
  std::array<double, 6> m = {round15(cos_a),  round15(sin_a), 0.0,
                             round15(-sin_a), round15(cos_a), 0.0};
  const double cx = static_cast<double>(width) / 2.0, cy = static_cast<double>(height) / 2.0;
  // Translation: the image of (-cx, -cy), plus (cx, cy), so the centre maps to itself.
  m[2] = m[0] * -cx + m[1] * -cy + 0.0 + cx;
  m[5] = m[3] * -cx + m[4] * -cy + 0.0 + cy;
  affine(m, hwc, height, width);
}

// Image.blend(degenerate, image, factor) as Blend.c: alpha in single precision, the result
// truncated; clipped to 0..255 only outside 0 <= alpha <= 1.
class Blend {
 public:
  explicit Blend(double factor)
      : alpha_(static_cast<float>(factor)), inside_(alpha_ >= 0.0f && alpha_ <= 1.0f) {}
  bool identity() const { return alpha_ == 1.0f; }
  uint8_t operator()(int degenerate, int value) const {
    if (alpha_ == 0.0f) return static_cast<uint8_t>(degenerate);
    const float v =
        static_cast<float>(degenerate) + alpha_ * static_cast<float>(value - degenerate);
    if (inside_) return static_cast<uint8_t>(v);
    return v <= 0.0f ? 0 : v >= 255.0f ? 255 : static_cast<uint8_t>(v);
  }

 private:
  float alpha_;
  bool inside_;
};

// Convert.c's RGB -> L: ITU-R 601-2 luma in 16-bit fixed point.
int luma(const uint8_t* rgb) {
  return (rgb[0] * 19595 + rgb[1] * 38470 + rgb[2] * 7471 + 0x8000) >> 16;
}

// A constant degenerate image (brightness: 0, contrast: the mean grey) makes the blend a table.
void blend_with_constant(int degenerate, double factor, uint8_t* hwc, int64_t pixels) {
  const Blend blend(factor);
  if (blend.identity()) return;
  std::array<uint8_t, 256> lut;
  for (int v = 0; v < 256; ++v) lut[v] = blend(degenerate, v);
  apply_lut(lut, hwc, pixels);
}

// ImageEnhance.Color: blended with the image's own grey, image.convert("L").convert("RGB").
void color(double factor, uint8_t* hwc, int64_t pixels) {
  const Blend blend(factor);
  if (blend.identity()) return;
  for (int64_t i = 0; i < pixels; ++i, hwc += kChannels) {
    const int grey = luma(hwc);
    for (int64_t c = 0; c < kChannels; ++c) hwc[c] = blend(grey, hwc[c]);
  }
}

// ImageEnhance.Contrast: blended with a constant grey, int(mean of the L image + 0.5) (the
// mean as ImageStat computes it, sum / count in doubles).
void contrast(double factor, uint8_t* hwc, int64_t pixels) {
  int64_t sum = 0;
  for (int64_t i = 0; i < pixels; ++i) sum += luma(hwc + i * kChannels);
  const double mean = static_cast<double>(sum) / static_cast<double>(pixels);
  blend_with_constant(static_cast<int>(mean + 0.5), factor, hwc, pixels);
}

// ImageEnhance.Sharpness: blended with ImageFilter.SMOOTH (Filter.c's 3x3 filter: kernel
// 1 1 1 / 1 5 1 / 1 1 1 divided by 13 in floats, + 0.5, clipped and truncated; the border rows
// and columns copied; images under 3 x 3 copied whole).
void sharpness(double factor, uint8_t* hwc, int64_t height, int64_t width) {
  const Blend blend(factor);
  if (blend.identity()) return;
  const size_t bytes = static_cast<size_t>(height * width * kChannels);
  uint8_t* smooth = scratch(bytes);
  std::copy(hwc, hwc + bytes, smooth);
  const int64_t row = width * kChannels, d = kChannels;
  const float edge = 1.0f / 13.0f, centre = 5.0f / 13.0f;
  auto f = [](uint8_t v) { return static_cast<float>(v); };
  if (height >= 3 && width >= 3) {
    for (int64_t y = 1; y < height - 1; ++y) {
      for (int64_t i = y * row + d; i < (y + 1) * row - d; ++i) {
        const uint8_t *above = hwc + i - row, *here = hwc + i, *below = hwc + i + row;
        // Filter.c's order: the row below first, each row's three products summed left to right.
        float s = 0.5f;
        s += f(below[-d]) * edge + f(below[0]) * edge + f(below[d]) * edge;
        s += f(here[-d]) * edge + f(here[0]) * centre + f(here[d]) * edge;
        s += f(above[-d]) * edge + f(above[0]) * edge + f(above[d]) * edge;
        smooth[i] = s <= 0.0f ? 0 : s >= 255.0f ? 255 : static_cast<uint8_t>(s);
      }
    }
  }
  for (size_t i = 0; i < bytes; ++i) hwc[i] = blend(smooth[i], hwc[i]);
}

}  // namespace

const std::vector<AugMixOp>& augmix_ops(bool all_ops) {
  // AugMix's order (augmentations.py): rotate before solarize, unlike the enum.
  static const std::vector<AugMixOp> cifar = {
      AugMixOp::kAutocontrast, AugMixOp::kEqualize,   AugMixOp::kPosterize,
      AugMixOp::kRotate,       AugMixOp::kSolarize,   AugMixOp::kShearX,
      AugMixOp::kShearY,       AugMixOp::kTranslateX, AugMixOp::kTranslateY};
  static const std::vector<AugMixOp> all = {
      AugMixOp::kAutocontrast, AugMixOp::kEqualize, AugMixOp::kPosterize, AugMixOp::kRotate,
      AugMixOp::kSolarize,     AugMixOp::kShearX,   AugMixOp::kShearY,    AugMixOp::kTranslateX,
      AugMixOp::kTranslateY,   AugMixOp::kColor,    AugMixOp::kContrast,  AugMixOp::kBrightness,
      AugMixOp::kSharpness};
  return all_ops ? all : cifar;
}

std::string op_name(AugMixOp op) {
  static const char* const names[] = {"autocontrast", "equalize", "posterize", "solarize",
                                      "rotate",       "shear_x",  "shear_y",   "translate_x",
                                      "translate_y",  "color",    "contrast",  "brightness",
                                      "sharpness"};  // in the enum's order
  const auto index = static_cast<size_t>(op);
  DIGN_CHECK(index < std::size(names), "op_name: unknown AugMixOp ", static_cast<int>(op));
  return names[index];
}

double sample_op_parameter(AugMixOp op, double severity, int64_t image_size, SampleRng& rng) {
  DIGN_CHECK(std::isfinite(severity) && severity > 0.0,
             "sample_op_parameter: severity must be a positive number, got ", severity);
  // augmentations.py: sample_level, then int_parameter(level, maxval) = int(level * maxval / 10)
  // or float_parameter(level, maxval) = level * maxval / 10, in that order of operations.
  const double level = rng.uniform(0.1, severity);
  auto int_parameter = [&](double maxval) { return std::trunc(level * maxval / 10.0); };
  auto sign = [&](double value) { return rng.uniform() > 0.5 ? -value : value; };
  switch (op) {
    case AugMixOp::kAutocontrast:
    case AugMixOp::kEqualize:
      return 0.0;
    case AugMixOp::kPosterize:
      return 4.0 - int_parameter(4.0);
    case AugMixOp::kSolarize:
      return 256.0 - int_parameter(256.0);
    case AugMixOp::kRotate:
      return sign(int_parameter(30.0)) + 0.0;  // + 0.0: never -0
    case AugMixOp::kShearX:
    case AugMixOp::kShearY:
      return sign(level * 0.3 / 10.0);
    case AugMixOp::kTranslateX:
    case AugMixOp::kTranslateY:
      DIGN_CHECK(image_size > 0, "sample_op_parameter(", op_name(op),
                 "): image_size must be positive, got ", image_size);
      return sign(int_parameter(static_cast<double>(image_size) / 3.0)) + 0.0;
    case AugMixOp::kColor:
    case AugMixOp::kContrast:
    case AugMixOp::kBrightness:
    case AugMixOp::kSharpness:
      return level * 1.8 / 10.0 + 0.1;
  }
  throw Error(detail::concat("sample_op_parameter: unknown AugMixOp ", static_cast<int>(op)));
}

void apply_op(AugMixOp op, double parameter, uint8_t* hwc, int64_t height, int64_t width) {
  DIGN_CHECK(height >= 0 && width >= 0, "apply_op(", op_name(op), "): bad image size ", height,
             " x ", width);
  DIGN_CHECK(std::isfinite(parameter), "apply_op(", op_name(op),
             "): the parameter must be finite, got ", parameter);
  const int64_t pixels = height * width;
  if (pixels == 0) return;
  DIGN_CHECK(hwc != nullptr, "apply_op(", op_name(op), "): null image");
  const double k = parameter;
  switch (op) {
    case AugMixOp::kAutocontrast:
      return autocontrast(hwc, pixels);
    case AugMixOp::kEqualize:
      return equalize(hwc, pixels);
    case AugMixOp::kPosterize:
      return posterize(k, hwc, pixels);
    case AugMixOp::kSolarize:
      return solarize(k, hwc, pixels);
    case AugMixOp::kRotate:
      return rotate(k, hwc, height, width);
    case AugMixOp::kShearX:
      return affine({1, k, 0, 0, 1, 0}, hwc, height, width);
    case AugMixOp::kShearY:
      return affine({1, 0, 0, k, 1, 0}, hwc, height, width);
    case AugMixOp::kTranslateX:
      return affine({1, 0, k, 0, 1, 0}, hwc, height, width);
    case AugMixOp::kTranslateY:
      return affine({1, 0, 0, 0, 1, k}, hwc, height, width);
    case AugMixOp::kColor:
      return color(k, hwc, pixels);
    case AugMixOp::kContrast:
      return contrast(k, hwc, pixels);
    case AugMixOp::kBrightness:
      return blend_with_constant(0, k, hwc, pixels);
    case AugMixOp::kSharpness:
      return sharpness(k, hwc, height, width);
  }
  throw Error(detail::concat("apply_op: unknown AugMixOp ", static_cast<int>(op)));
}

}  // namespace dign::augment
