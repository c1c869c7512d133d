// The digital family of make_cifar_c.py / make_tinyimagenet_c.py / make_imagenet_c.py
// (corruptions.md 2.14-2.19, corruptions-imagenet-c.md 2):
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
#include "data/pil_resize.h"

namespace dign::corrupt {
namespace {

// Severity tables: corruptions.md section 1 (CIFAR 32 px, Tiny 64 px) and
// corruptions-imagenet-c.md section 1 (ImageNet 224 px, make_imagenet_c.py:489-539).
constexpr std::array<double, 5> kBrightnessCifar = {0.05, 0.1, 0.15, 0.2, 0.3};
constexpr std::array<double, 5> kBrightnessTiny = {0.1, 0.2, 0.3, 0.4, 0.5};  // = ImageNet's
constexpr std::array<double, 5> kContrastCifar = {0.75, 0.5, 0.4, 0.3, 0.15};
constexpr std::array<double, 5> kContrastTiny = {0.4, 0.3, 0.2, 0.1, 0.05};  // = ImageNet's
constexpr std::array<double, 5> kPixelateCifar = {0.95, 0.9, 0.85, 0.75, 0.65};
constexpr std::array<double, 5> kPixelateTiny = {0.9, 0.8, 0.7, 0.6, 0.5};
constexpr std::array<double, 5> kPixelateImageNet = {0.6, 0.5, 0.4, 0.3, 0.25};
constexpr std::array<int, 5> kJpegCifar = {80, 65, 58, 50, 40};
constexpr std::array<int, 5> kJpegTiny = {65, 58, 50, 40, 25};
constexpr std::array<int, 5> kJpegImageNet = {25, 18, 15, 10, 7};

struct Saturation {
  double scale, offset;  // S <- clip01(S * scale + offset)
};
constexpr std::array<Saturation, 5> kSaturateCifar = {
    {{0.3, 0}, {0.1, 0}, {1.5, 0}, {2, 0.1}, {2.5, 0.2}}};
constexpr std::array<Saturation, 5> kSaturateTiny = {
    {{0.3, 0}, {0.1, 0}, {2, 0}, {5, 0.1}, {30, 0.2}}};
constexpr std::array<Saturation, 5> kSaturateImageNet = {
    {{0.3, 0}, {0.1, 0}, {2, 0}, {5, 0.1}, {20, 0.2}}};

// ---- elastic_transform ---------------------------------------------------------------

struct Elastic {
  double alpha, sigma, jitter;  // fractions of IMSIZE (32, 64 or 244), as the original writes them
};
constexpr std::array<Elastic, 5> kElasticCifar = {
    {{0, 0, 0.08}, {0.05, 0.2, 0.07}, {0.08, 0.06, 0.06}, {0.1, 0.04, 0.05}, {0.1, 0.03, 0.03}}};
constexpr std::array<Elastic, 5> kElasticTiny = {
    {{0, 0, 0.08}, {0.05, 0.3, 0.06}, {0.1, 0.08, 0.06}, {0.1, 0.03, 0.03}, {0.16, 0.03, 0.02}}};
// make_imagenet_c.py's fractions are of 244 ("244 should have been 224, but ultimately nothing
// is incorrect", MIC:540): in pixels (488, 170.8, 24.4), (488, 19.52, 48.8), then small warps.
// So s1 and s2 are mostly large random affines, and s1's displacement kernel (half-width 512)
// is wider than the image. The affine's centre and half-size still come from the image (112, 74).
constexpr std::array<Elastic, 5> kElasticImageNet = {
    {{2, 0.7, 0.1}, {2, 0.08, 0.2}, {0.05, 0.01, 0.02}, {0.07, 0.01, 0.02}, {0.12, 0.01, 0.02}}};
double elastic_imsize(Table table) {
  return table == Table::kImageNet ? 244.0 : table == Table::kTiny ? 64.0 : 32.0;
}

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
  const double c = pick(kBrightnessCifar, kBrightnessTiny, kBrightnessTiny, severity, context);
  cv::Mat hsv = rgb2hsv(to_unit(rgb));
  for (auto it = hsv.begin<cv::Vec3d>(); it != hsv.end<cv::Vec3d>(); ++it) {
    (*it)[2] = std::min(std::max((*it)[2] + c, 0.0), 1.0);
  }
  return from_unit_truncate(hsv2rgb(hsv));
}

cv::Mat contrast(const cv::Mat& rgb, int severity, Rng&, const Context& context) {
  // y = clip01((x - mean) c + mean), mean per channel over the image.
  const double c = pick(kContrastCifar, kContrastTiny, kContrastTiny, severity, context);
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
  const Elastic& frac = pick(kElasticCifar, kElasticTiny, kElasticImageNet, severity, context);
  const double imsize = elastic_imsize(context.table);
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
  // Pillow's BOX, not cv::INTER_AREA: Pillow gives each input pixel whose centre lies in the
  // window a whole weight, where INTER_AREA weights partial overlaps (they differ for 32 -> 30).
  const double c = pick(kPixelateCifar, kPixelateTiny, kPixelateImageNet, severity, context);
  DIGN_CHECK(rgb.type() == CV_8UC3, "pixelate: expected a uint8 HxWx3 image");
  const int w = std::max(static_cast<int>(rgb.cols * c), 1);
  const int h = std::max(static_cast<int>(rgb.rows * c), 1);
  using data::PilFilter;
  return data::pil_resize(data::pil_resize(rgb, w, h, PilFilter::kBox), rgb.cols, rgb.rows,
                          PilFilter::kBox);
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
  return jpeg_round_trip(rgb, pick(kJpegCifar, kJpegTiny, kJpegImageNet, severity, context));
}

cv::Mat saturate(const cv::Mat& rgb, int severity, Rng&, const Context& context) {
  // S <- clip01(S scale + offset) in skimage's HSV; gray has H = 0, so an offset tints it red.
  const Saturation& c = pick(kSaturateCifar, kSaturateTiny, kSaturateImageNet, severity, context);
  cv::Mat hsv = rgb2hsv(to_unit(rgb));
  for (auto it = hsv.begin<cv::Vec3d>(); it != hsv.end<cv::Vec3d>(); ++it) {
    (*it)[1] = std::min(std::max((*it)[1] * c.scale + c.offset, 0.0), 1.0);
  }
  return from_unit_truncate(hsv2rgb(hsv));
}

}  // namespace dign::corrupt
