// The digital family of make_cifar_c.py / make_tinyimagenet_c.py (corruptions.md 2.14-2.19):
// brightness, contrast, elastic_transform, pixelate, jpeg_compression, saturate.
#include "corrupt/digital.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "core/error.h"
#include "corrupt/color.h"
#include "corrupt/common.h"
#include "corrupt/filters.h"

namespace dign::corrupt {
namespace {

// Severity tables: corruptions.md section 1 (CIFAR 32 px, Tiny 64 px).
constexpr std::array<double, 5> kBrightnessCifar = {0.05, 0.1, 0.15, 0.2, 0.3};
constexpr std::array<double, 5> kBrightnessTiny = {0.1, 0.2, 0.3, 0.4, 0.5};
constexpr std::array<double, 5> kContrastCifar = {0.75, 0.5, 0.4, 0.3, 0.15};
constexpr std::array<double, 5> kContrastTiny = {0.4, 0.3, 0.2, 0.1, 0.05};
constexpr std::array<double, 5> kPixelateCifar = {0.95, 0.9, 0.85, 0.75, 0.65};
constexpr std::array<double, 5> kPixelateTiny = {0.9, 0.8, 0.7, 0.6, 0.5};
constexpr std::array<int, 5> kJpegCifar = {80, 65, 58, 50, 40};
constexpr std::array<int, 5> kJpegTiny = {65, 58, 50, 40, 25};

struct Saturation {
  double scale, offset;  // S <- clip01(S * scale + offset)
};
constexpr std::array<Saturation, 5> kSaturateCifar = {
    {{0.3, 0}, {0.1, 0}, {1.5, 0}, {2, 0.1}, {2.5, 0.2}}};
constexpr std::array<Saturation, 5> kSaturateTiny = {
    {{0.3, 0}, {0.1, 0}, {2, 0}, {5, 0.1}, {30, 0.2}}};

// ---- pixelate: Pillow's resize(filter=BOX) on uint8, bit for bit -------------------------

// Pillow's 8-bit resampler: weights in fixed point with 22 fraction bits (Resample.c).
constexpr int kPrecisionBits = 32 - 8 - 2;

struct BoxCoefficients {
  int ksize = 0;
  std::vector<int> first, count;  // per output index: first input index, number of taps
  std::vector<int32_t> weights;   // out_size x ksize
};

// Pillow's precompute_coeffs + normalize_coeffs_8bpc for the BOX filter (support 0.5).
// Not cv::INTER_AREA: Pillow gives each input pixel whose centre lies in the window a
// whole weight, where INTER_AREA weights partial overlaps (they differ for 32 -> 30).
BoxCoefficients box_coefficients(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filterscale = std::max(scale, 1.0);
  const double support = 0.5 * filterscale;
  BoxCoefficients c;
  c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  c.first.resize(out_size);
  c.count.resize(out_size);
  c.weights.assign(static_cast<size_t>(out_size) * c.ksize, 0);
  for (int xx = 0; xx < out_size; ++xx) {
    const double center = (xx + 0.5) * scale;
    const int xmin = std::max(static_cast<int>(center - support + 0.5), 0);
    const int xmax = std::min(static_cast<int>(center + support + 0.5), in_size) - xmin;
    std::vector<double> k(static_cast<size_t>(std::max(xmax, 0)));
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      const double arg = (x + xmin - center + 0.5) / filterscale;
      k[x] = (arg > -0.5 && arg <= 0.5) ? 1.0 : 0.0;
      ww += k[x];
    }
    for (int x = 0; x < xmax; ++x) {
      const double w = ww != 0.0 ? k[x] / ww : k[x];
      c.weights[static_cast<size_t>(xx) * c.ksize + x] =
          static_cast<int32_t>(0.5 + w * (1 << kPrecisionBits));
    }
    c.first[xx] = xmin;
    c.count[xx] = xmax;
  }
  return c;
}

// One resampling pass along columns (horizontal) or rows (vertical) of a uint8 HxWx3 image,
// rounding to uint8 as Pillow does between and after its two passes.
cv::Mat box_pass(const cv::Mat& in, int out_size, bool horizontal) {
  const int in_size = horizontal ? in.cols : in.rows;
  const BoxCoefficients c = box_coefficients(in_size, out_size);
  cv::Mat out =
      horizontal ? cv::Mat(in.rows, out_size, CV_8UC3) : cv::Mat(out_size, in.cols, CV_8UC3);
  for (int y = 0; y < out.rows; ++y) {
    for (int x = 0; x < out.cols; ++x) {
      const int o = horizontal ? x : y;
      const int32_t* k = &c.weights[static_cast<size_t>(o) * c.ksize];
      for (int ch = 0; ch < 3; ++ch) {
        int32_t ss = 1 << (kPrecisionBits - 1);
        for (int t = 0; t < c.count[o]; ++t) {
          const int src = c.first[o] + t;
          const cv::Vec3b& p = horizontal ? in.at<cv::Vec3b>(y, src) : in.at<cv::Vec3b>(src, x);
          ss += p[ch] * k[t];
        }
        out.at<cv::Vec3b>(y, x)[ch] = cv::saturate_cast<uint8_t>(ss >> kPrecisionBits);
      }
    }
  }
  return out;
}

// PIL Image.resize((width, height), BOX): horizontal pass first, then vertical.
cv::Mat pil_box_resize(const cv::Mat& rgb, int width, int height) {
  return box_pass(box_pass(rgb, width, /*horizontal=*/true), height, /*horizontal=*/false);
}

// ---- elastic_transform ---------------------------------------------------------------

struct Elastic {
  double alpha, sigma, jitter;  // fractions of IMSIZE (32 or 64), as the original writes them
};
constexpr std::array<Elastic, 5> kElasticCifar = {
    {{0, 0, 0.08}, {0.05, 0.2, 0.07}, {0.08, 0.06, 0.06}, {0.1, 0.04, 0.05}, {0.1, 0.03, 0.03}}};
constexpr std::array<Elastic, 5> kElasticTiny = {
    {{0, 0, 0.08}, {0.05, 0.3, 0.06}, {0.1, 0.08, 0.06}, {0.1, 0.03, 0.03}, {0.16, 0.03, 0.02}}};

// scipy.ndimage.map_coordinates(order=1, mode='reflect') at (row + dy, col + dx), per channel;
// float32 image in and out, interpolation in double as scipy does. Border: half-sample
// symmetric, as scipy >= 1.6; the scipy of 2019 mirrored differently within one pixel outside
// the image (corruptions.md 4.x asks for the modern semantics).
cv::Mat map_coordinates_reflect(const cv::Mat& image, const cv::Mat& dy, const cv::Mat& dx) {
  cv::Mat out(image.size(), CV_32FC3);
  for (int i = 0; i < image.rows; ++i) {
    for (int j = 0; j < image.cols; ++j) {
      const double rr = i + static_cast<double>(dy.at<float>(i, j));
      const double cc = j + static_cast<double>(dx.at<float>(i, j));
      const double r0 = std::floor(rr), c0 = std::floor(cc);
      const double wr0 = 1.0 - (rr - r0), wc0 = 1.0 - (cc - c0);
      const double wr[2] = {wr0, 1.0 - wr0}, wc[2] = {wc0, 1.0 - wc0};
      int rows[2], cols[2];
      for (int k = 0; k < 2; ++k) {
        rows[k] = cv::borderInterpolate(static_cast<int>(r0) + k, image.rows, cv::BORDER_REFLECT);
        cols[k] = cv::borderInterpolate(static_cast<int>(c0) + k, image.cols, cv::BORDER_REFLECT);
      }
      for (int ch = 0; ch < 3; ++ch) {
        double t = 0.0;
        for (int a = 0; a < 2; ++a) {
          for (int b = 0; b < 2; ++b) {
            t += static_cast<double>(image.at<cv::Vec3f>(rows[a], cols[b])[ch]) * wr[a] * wc[b];
          }
        }
        out.at<cv::Vec3f>(i, j)[ch] = static_cast<float>(t);
      }
    }
  }
  return out;
}

// np.uint8(np.clip(v, 0, 1) * 255) with v float32: the product is rounded to float32 before
// the truncation, which double arithmetic would not reproduce (k / 255.f * 255 can be k - eps).
cv::Mat float32_unit_to_u8(const cv::Mat& v) {
  cv::Mat out(v.size(), CV_8UC3);
  for (int i = 0; i < v.rows; ++i) {
    for (int j = 0; j < v.cols; ++j) {
      for (int ch = 0; ch < 3; ++ch) {
        const float x = std::min(std::max(v.at<cv::Vec3f>(i, j)[ch], 0.0f), 1.0f);
        out.at<cv::Vec3b>(i, j)[ch] = static_cast<uint8_t>(x * 255.0f);
      }
    }
  }
  return out;
}

}  // namespace

cv::Mat brightness(const cv::Mat& rgb, int severity, Rng&, const Context& context) {
  // V <- clip01(V + c) in skimage's HSV.
  const double c = pick(kBrightnessCifar, kBrightnessTiny, severity, context);
  cv::Mat hsv = rgb2hsv(to_unit(rgb));
  for (auto it = hsv.begin<cv::Vec3d>(); it != hsv.end<cv::Vec3d>(); ++it) {
    (*it)[2] = std::min(std::max((*it)[2] + c, 0.0), 1.0);
  }
  return from_unit_truncate(hsv2rgb(hsv));
}

cv::Mat contrast(const cv::Mat& rgb, int severity, Rng&, const Context& context) {
  // y = clip01((x - mean) c + mean), mean per channel over the image.
  const double c = pick(kContrastCifar, kContrastTiny, severity, context);
  cv::Mat x = to_unit(rgb);
  cv::Vec3d mean(0, 0, 0);
  // numpy's mean over axes (0, 1) of an HxWx3 array adds pixels in raster order.
  for (auto it = x.begin<cv::Vec3d>(); it != x.end<cv::Vec3d>(); ++it) mean += *it;
  mean /= static_cast<double>(x.total());
  for (auto it = x.begin<cv::Vec3d>(); it != x.end<cv::Vec3d>(); ++it) {
    for (int ch = 0; ch < 3; ++ch) (*it)[ch] = ((*it)[ch] - mean[ch]) * c + mean[ch];
  }
  return from_unit_truncate(x);
}

cv::Mat elastic_transform(const cv::Mat& rgb, int severity, Rng& rng, const Context& context) {
  const Elastic& frac = pick(kElasticCifar, kElasticTiny, severity, context);
  const double imsize = context.table == Table::kTiny ? 64.0 : 32.0;
  const double alpha = imsize * frac.alpha, sigma = imsize * frac.sigma;
  const double jitter = imsize * frac.jitter;
  DIGN_CHECK(rgb.type() == CV_8UC3, "elastic_transform: expected a uint8 HxWx3 image");
  DIGN_CHECK(std::min(rgb.rows, rgb.cols) >= 3,
             "elastic_transform: expected at least 3x3 pixels, got ", rgb.cols, "x", rgb.rows);
  cv::Mat image(rgb.size(), CV_32FC3);
  for (int i = 0; i < rgb.rows; ++i) {
    for (int j = 0; j < rgb.cols; ++j) {
      for (int ch = 0; ch < 3; ++ch) {
        image.at<cv::Vec3f>(i, j)[ch] = static_cast<float>(rgb.at<cv::Vec3b>(i, j)[ch]) / 255.0f;
      }
    }
  }

  // Random affine: three points around the centre, each coordinate moved by U(-j, j).
  // The original takes (H // 2, W // 2) as the (x, y) centre; equal for square images.
  const float cx = static_cast<float>(rgb.rows / 2), cy = static_cast<float>(rgb.cols / 2);
  const float half = static_cast<float>(std::min(rgb.rows, rgb.cols) / 3);
  const cv::Point2f src[3] = {
      {cx + half, cy + half}, {cx + half, cy - half}, {cx - half, cy - half}};
  cv::Point2f dst[3];
  for (int k = 0; k < 3; ++k) {
    const float ox = static_cast<float>(rng.uniform(-jitter, jitter));
    const float oy = static_cast<float>(rng.uniform(-jitter, jitter));
    dst[k] = cv::Point2f(src[k].x + ox, src[k].y + oy);
  }
  const cv::Mat m = cv::getAffineTransform(src, dst);
  cv::Mat warped;
  cv::warpAffine(image, warped, m, image.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT_101);

  // Displacement fields: alpha * gaussian(U(-1, 1), sigma), stored as float32.
  auto field = [&]() {
    cv::Mat noise(rgb.size(), CV_64FC1);
    for (auto it = noise.begin<double>(); it != noise.end<double>(); ++it) {
      *it = rng.uniform(-1.0, 1.0);
    }
    cv::Mat f;
    cv::Mat(scipy_gaussian_reflect(noise, sigma) * alpha).convertTo(f, CV_32FC1);
    return f;
  };
  const cv::Mat dx = field();
  const cv::Mat dy = field();
  return float32_unit_to_u8(map_coordinates_reflect(warped, dy, dx));
}

cv::Mat pixelate(const cv::Mat& rgb, int severity, Rng&, const Context& context) {
  // PIL BOX down to int(size * c), then BOX up (= nearest neighbour): square blocks.
  const double c = pick(kPixelateCifar, kPixelateTiny, severity, context);
  DIGN_CHECK(rgb.type() == CV_8UC3, "pixelate: expected a uint8 HxWx3 image");
  const int w = std::max(static_cast<int>(rgb.cols * c), 1);
  const int h = std::max(static_cast<int>(rgb.rows * c), 1);
  return pil_box_resize(pil_box_resize(rgb, w, h), rgb.cols, rgb.rows);
}

cv::Mat jpeg_round_trip(const cv::Mat& rgb, int quality) {
  // PIL save(quality=c) then reopen: libjpeg with the IJG tables scaled by c and 4:2:0
  // chroma, which are also OpenCV's defaults; OpenCV wants BGR. (PIL's optimize=True, which
  // the Tiny-ImageNet-C writer passes, only rebuilds the Huffman tables: same pixels.)
  DIGN_CHECK(rgb.type() == CV_8UC3, "jpeg_round_trip: expected a uint8 HxWx3 image");
  DIGN_CHECK(quality >= 1 && quality <= 100, "jpeg_round_trip: quality must be 1 to 100, got ",
             quality);
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  std::vector<uint8_t> bytes;
  DIGN_CHECK(cv::imencode(".jpg", bgr, bytes, {cv::IMWRITE_JPEG_QUALITY, quality}),
             "jpeg_round_trip: OpenCV could not encode a JPEG");
  const cv::Mat decoded = cv::imdecode(bytes, cv::IMREAD_COLOR);
  DIGN_CHECK(!decoded.empty(), "jpeg_round_trip: OpenCV could not decode its own JPEG");
  cv::Mat out;
  cv::cvtColor(decoded, out, cv::COLOR_BGR2RGB);
  return out;
}

cv::Mat jpeg_compression(const cv::Mat& rgb, int severity, Rng&, const Context& context) {
  DIGN_CHECK(rgb.type() == CV_8UC3, "jpeg_compression: expected a uint8 HxWx3 image");
  return jpeg_round_trip(rgb, pick(kJpegCifar, kJpegTiny, severity, context));
}

cv::Mat saturate(const cv::Mat& rgb, int severity, Rng&, const Context& context) {
  // S <- clip01(S scale + offset) in skimage's HSV; gray has H = 0, so an offset tints it red.
  const Saturation& c = pick(kSaturateCifar, kSaturateTiny, severity, context);
  cv::Mat hsv = rgb2hsv(to_unit(rgb));
  for (auto it = hsv.begin<cv::Vec3d>(); it != hsv.end<cv::Vec3d>(); ++it) {
    (*it)[1] = std::min(std::max((*it)[1] * c.scale + c.offset, 0.0), 1.0);
  }
  return from_unit_truncate(hsv2rgb(hsv));
}

}  // namespace dign::corrupt
