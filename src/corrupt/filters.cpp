#include "corrupt/filters.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace dign::corrupt {
namespace {

constexpr double kPi = 3.14159265358979323846;  // MagickPI

// scipy.ndimage's 'nearest' (= BORDER_REPLICATE) and 'reflect' (half-sample symmetric,
// d c b a | a b c d | d c b a = BORDER_REFLECT) extensions, valid for any index, so
// kernels wider than the image still work.
int replicate_index(int i, int n) {
  return std::clamp(i, 0, n - 1);
}
int reflect_index(int i, int n) {
  const int period = 2 * n;
  int m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - 1 - m;
}
using IndexFn = int (*)(int, int);

// A float64 copy (never a view: callers return it).
cv::Mat continuous_f64(const cv::Mat& image, const char* who) {
  DIGN_CHECK(!image.empty() && (image.depth() == CV_32F || image.depth() == CV_64F), who,
             ": expected a non-empty float32 or float64 image, got depth ", image.depth());
  cv::Mat x;
  image.convertTo(x, CV_64F);
  return x.isContinuous() ? x : x.clone();
}

// index(p - r, n) for p in [0, n + 2r): the source of every position within r of the image.
std::vector<int> extended_indices(int n, int r, IndexFn index) {
  std::vector<int> out(static_cast<size_t>(n + 2 * r));
  for (int p = 0; p < n + 2 * r; ++p) out[static_cast<size_t>(p)] = index(p - r, n);
  return out;
}

// scipy.ndimage.correlate1d with a symmetric kernel (half = w[centre..end]) along rows
// (axis 0) or columns (axis 1). Each output keeps scipy's summation order: centre first, then
// the pairs from the outside in; the loops run over whole rows so the compiler can vectorize.
cv::Mat correlate_symmetric(const cv::Mat& in, const std::vector<double>& half, int axis,
                            IndexFn index) {
  const int rows = in.rows, cols = in.cols, cn = in.channels(), stride = cols * cn;
  const int r = static_cast<int>(half.size()) - 1;
  cv::Mat out(in.size(), in.type());
  const std::vector<int> ext = extended_indices(axis == 0 ? rows : cols, r, index);
  for (int y = 0; y < rows; ++y) {
    const double* row = in.ptr<double>(y);
    double* acc = out.ptr<double>(y);
    for (int e = 0; e < stride; ++e) acc[e] = row[e] * half[0];
    for (int j = r; j >= 1; --j) {
      const double w = half[static_cast<size_t>(j)];
      if (axis == 0) {
        const double* lo = in.ptr<double>(ext[static_cast<size_t>(y + r - j)]);
        const double* hi = in.ptr<double>(ext[static_cast<size_t>(y + r + j)]);
        for (int e = 0; e < stride; ++e) acc[e] += (lo[e] + hi[e]) * w;
      } else {
        for (int x = 0; x < cols; ++x) {
          const double* lo = row + ext[static_cast<size_t>(x + r - j)] * cn;
          const double* hi = row + ext[static_cast<size_t>(x + r + j)] * cn;
          for (int k = 0; k < cn; ++k) acc[x * cn + k] += (lo[k] + hi[k]) * w;
        }
      }
    }
  }
  return out;
}

// scipy.ndimage.gaussian_filter over the two spatial axes (axis 0 then 1); channels untouched.
cv::Mat gaussian_separable(cv::Mat x, double sigma, double truncate, IndexFn index) {
  DIGN_CHECK(sigma >= 0.0, "gaussian filter: expected sigma >= 0, got ", sigma);
  if (sigma <= 1e-15) return x;  // scipy skips such axes
  const std::vector<double> kernel = gaussian_kernel_1d(sigma, truncate);
  const size_t r = kernel.size() / 2;
  if (r == 0) return x;  // weight [1.0]: x * 1.0 == x
  const std::vector<double> half(kernel.begin() + static_cast<std::ptrdiff_t>(r), kernel.end());
  return correlate_symmetric(correlate_symmetric(x, half, 0, index), half, 1, index);
}

}  // namespace

std::vector<double> gaussian_kernel_1d(double sigma, double truncate) {
  const int r = static_cast<int>(truncate * sigma + 0.5);
  std::vector<double> w(static_cast<size_t>(2 * r + 1), 0.0);
  w[static_cast<size_t>(r)] = 1.0;
  double sum = 1.0;
  const double sd2 = sigma * sigma;
  for (int i = 1; i <= r; ++i) {  // scipy 1.0's loop, summed in its order
    const double t = std::exp(-0.5 * static_cast<double>(i * i) / sd2);
    w[static_cast<size_t>(r + i)] = w[static_cast<size_t>(r - i)] = t;
    sum += 2.0 * t;
  }
  for (double& v : w) v /= sum;
  return w;
}

cv::Mat skimage_gaussian(const cv::Mat& image, double sigma) {
  return gaussian_separable(continuous_f64(image, "skimage_gaussian"), sigma, 4.0, replicate_index);
}

cv::Mat scipy_gaussian_reflect(const cv::Mat& plane, double sigma, double truncate) {
  return gaussian_separable(continuous_f64(plane, "scipy_gaussian_reflect"), sigma, truncate,
                            reflect_index);
}

namespace {

// One axis of clipped_zoom: which input samples and weights feed output index o.
struct ZoomAxis {
  std::vector<int> i0, i1;  // absolute source indices (crop offset included)
  std::vector<double> w0, w1;
};

ZoomAxis zoom_axis(int n, double zoom) {
  const int ch = static_cast<int>(std::ceil(n / zoom));
  const int top = (n - ch) / 2;  // n >= ch, so C++ division is Python's //
  // Python 3 round() is round-half-even, as nearbyint in the default rounding mode:
  // CIFAR snow 26 * 1.25 = 32.5 -> 32.
  const int out = static_cast<int>(std::nearbyint(ch * zoom));
  DIGN_CHECK(out >= n, "clipped_zoom: zoom ", zoom, " gives ", out, " < ", n, " pixels");
  const int trim = (out - n) / 2;  // out = n + 1 -> 0: the top-left n x n is kept
  // scipy 1.0 zoom maps corners to corners: coordinate = index * (in - 1) / (out - 1).
  const double scale = out > 1 ? static_cast<double>(ch - 1) / static_cast<double>(out - 1) : 1.0;
  ZoomAxis a;
  for (int o = 0; o < n; ++o) {
    const double cc = static_cast<double>(trim + o) * scale;
    const int start = static_cast<int>(std::floor(cc));
    const double t = cc - start;
    a.i0.push_back(top + std::min(start, ch - 1));
    a.i1.push_back(top + std::min(start + 1, ch - 1));  // weight 0 there when start = ch - 1
    a.w0.push_back(1.0 - t);
    a.w1.push_back(t);
  }
  return a;
}

}  // namespace

cv::Mat clipped_zoom(const cv::Mat& image, double zoom) {
  DIGN_CHECK(zoom >= 1.0, "clipped_zoom: expected a zoom factor >= 1, got ", zoom);
  const cv::Mat x = continuous_f64(image, "clipped_zoom");
  const ZoomAxis ry = zoom_axis(x.rows, zoom), rx = zoom_axis(x.cols, zoom);
  const int cn = x.channels(), stride = x.cols * cn;
  cv::Mat out(x.size(), x.type());
  const double* src = x.ptr<double>();
  double* dst = out.ptr<double>();
  for (int y = 0; y < x.rows; ++y) {
    const int rows[2] = {ry.i0[y], ry.i1[y]};
    const double wr[2] = {ry.w0[y], ry.w1[y]};
    for (int c = 0; c < x.cols; ++c) {
      const int cols[2] = {rx.i0[c], rx.i1[c]};
      const double wc[2] = {rx.w0[c], rx.w1[c]};
      for (int k = 0; k < cn; ++k) {
        // scipy's NI_ZoomShift order: neighbours row-major, coefficient = (v * wr) * wc.
        double t = 0.0;
        for (int a = 0; a < 2; ++a) {
          for (int b = 0; b < 2; ++b) {
            double coeff = src[rows[a] * stride + cols[b] * cn + k];
            coeff *= wr[a];
            coeff *= wc[b];
            t += coeff;
          }
        }
        dst[y * stride + c * cn + k] = t;
      }
    }
  }
  return out;
}

int imagemagick_kernel_width(double radius, double sigma) {
  constexpr double kEpsilon = 1.0e-12;  // MagickEpsilon
  if (radius > kEpsilon) return static_cast<int>(2.0 * std::ceil(radius) + 1.0);
  if (std::fabs(sigma) <= kEpsilon) return 1;
  const double gamma = std::fabs(sigma);
  const double alpha = 1.0 / (2.0 * gamma * gamma);
  const double beta = 1.0 / (std::sqrt(2.0 * kPi) * gamma);
  int width = 5;
  for (;;) {
    double normalize = 0.0;
    const int j = (width - 1) / 2;
    for (int i = -j; i <= j; ++i) normalize += std::exp(-static_cast<double>(i * i) * alpha) * beta;
    const double value = std::exp(-static_cast<double>(j * j) * alpha) * beta / normalize;
    if (value < 1.0 / 65535.0 || value < kEpsilon) break;
    width += 2;
  }
  return width - 2;
}

cv::Mat imagemagick_motion_blur(const cv::Mat& image_u8, double radius, double sigma,
                                double angle_degrees) {
  DIGN_CHECK(!image_u8.empty() && image_u8.depth() == CV_8U,
             "imagemagick_motion_blur: expected a non-empty uint8 image");
  const int width = imagemagick_kernel_width(radius, sigma);
  // GetMotionBlurKernel: one-sided Gaussian, normalized.
  const double s = std::fabs(sigma) < 1.0e-12 ? 1.0e-12 : sigma;
  std::vector<double> kernel(static_cast<size_t>(width));
  double normalize = 0.0;
  for (int i = 0; i < width; ++i) {
    kernel[static_cast<size_t>(i)] =
        std::exp(-static_cast<double>(i * i) / (2.0 * s * s)) / (std::sqrt(2.0 * kPi) * s);
    normalize += kernel[static_cast<size_t>(i)];
  }
  for (double& k : kernel) k /= normalize;
  // Offsets exactly as MotionBlurImage computes them (x from cos, y from sin, y down).
  const double radians = kPi * angle_degrees / 180.0;
  const double px = width * std::sin(radians), py = width * std::cos(radians);
  const double length = std::hypot(px, py);
  std::vector<int> ox(static_cast<size_t>(width)), oy(static_cast<size_t>(width));
  for (int i = 0; i < width; ++i) {
    ox[static_cast<size_t>(i)] = static_cast<int>(std::ceil(i * py / length - 0.5));
    oy[static_cast<size_t>(i)] = static_cast<int>(std::ceil(i * px / length - 0.5));
  }
  const cv::Mat in = image_u8.isContinuous() ? image_u8 : image_u8.clone();
  const int rows = in.rows, cols = in.cols, cn = in.channels(), stride = cols * cn;
  // Work in 16-bit quantum units (8-bit v -> 257 v), summed tap by tap as ImageMagick does.
  const size_t count = static_cast<size_t>(rows) * static_cast<size_t>(stride);
  std::vector<double> quanta(count), f(count, 0.0);
  for (size_t e = 0; e < count; ++e) quanta[e] = 257.0 * in.ptr<uint8_t>()[e];
  std::vector<int> source_x(static_cast<size_t>(cols));
  for (int i = 0; i < width; ++i) {
    const double k = kernel[static_cast<size_t>(i)];
    const int dx = ox[static_cast<size_t>(i)], dy = oy[static_cast<size_t>(i)];
    for (int x = 0; x < cols; ++x)
      source_x[static_cast<size_t>(x)] = std::clamp(x + dx, 0, cols - 1);
    for (int y = 0; y < rows; ++y) {
      const double* src =  // edge pixels outside
          quanta.data() + static_cast<size_t>(std::clamp(y + dy, 0, rows - 1)) * stride;
      double* acc = f.data() + static_cast<size_t>(y) * static_cast<size_t>(stride);
      for (int x = 0; x < cols; ++x) {
        const double* p = src + source_x[static_cast<size_t>(x)] * cn;
        for (int c = 0; c < cn; ++c) acc[x * cn + c] += k * p[c];
      }
    }
  }
  cv::Mat out(in.size(), in.type());
  uint8_t* dst = out.ptr<uint8_t>();
  for (size_t e = 0; e < f.size(); ++e) {
    // ClampToQuantum rounds to 16 bits; the 8-bit PNG result then matches
    // floor(q / 257) (corruptions.md 2.8: floor for ~99.8% of values).
    const double v = f[e];
    const int q = v <= 0.0 ? 0 : (v >= 65535.0 ? 65535 : static_cast<int>(v + 0.5));
    dst[e] = static_cast<uint8_t>(q / 257);
  }
  return out;
}

}  // namespace dign::corrupt
