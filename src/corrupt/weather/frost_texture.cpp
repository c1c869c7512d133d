// Frost overlays. The photographs cannot ship with dign, so by default frost uses a
// procedural texture built to look, at the original's resize scale, like the photograph it
// replaces: bright thin ice needles with side branches (drawn at twice the size and
// averaged down, which gives the aliased speckle of the resized photographs) over smooth
// darker/brighter regions at two scales, mapped to the photograph's colour statistics.
//
// Statistics of the photographs after cv2.resize (bilinear) by 0.2 (CIFAR) / 0.3 (Tiny), and
// at their native size (ImageNet, which crops them unresized), measured with OpenCV 4.6 (RGB
// mean; per-channel std; gray skewness; then, relative to the gray std: mean std within 32x32
// (CIFAR) / 64x64 (Tiny) / 224x224 (ImageNet) crops, mean |Sobel 3x1 gradient|, std of gray -
// Gaussian(1 px), std of Gaussian(1 px) - Gaussian(4 px)):
//   frost1 120x180 / 180x270: mean 77.5 149.0 165.7, std 26.8 16.4 15.3 / 25.4 15.6 14.6,
//          skew 0.49, crop 0.79/0.83, grad 0.99/0.84, fine 0.49/0.41, mid 0.26/0.23
//   frost2 = frost3 (same pixels) 63x112 / 94x168: mean 200.8 205.4 214.5,
//          std 21.4 22.1 22.6 / 20.3 21.0 21.5, skew -0.92/-0.79, crop 0.81/0.87,
//          grad 1.12/0.99, fine 0.56/0.47, mid 0.26/0.29
//   frost4 70x105 / 105x158: mean 138.0 153.2 165.6, std 29.0 29.0 30.2 / 26.3 26.4 27.8,
//          skew 0.21/0.04, crop 0.89/0.89, grad 1.22/1.10, fine 0.64/0.55, mid 0.25/0.27
//   frost5 99x132 / 148x198: mean 112.3 123.3 134.7, std 44.3 43.2 41.6 / 42.2 41.0 39.3,
//          skew 0.51/0.50, crop 0.80/0.79, grad 1.18/1.03, fine 0.56/0.47, mid 0.32/0.35
// Native size (ImageNet), crop / grad / fine / mid: frost1 600x900 mean 77.7 149.1 165.7, std
// 26.9 16.5 15.3, skew 0.49, 0.86/0.89/0.38/0.25; frost2 = frost3 315x560, std 21.4 22.1 22.6,
// skew -0.91, 0.91/0.83/0.33/0.34; frost4 350x527 mean 137.6 152.8 165.2, std 28.5 28.5 29.9,
// skew 0.13, 0.92/1.04/0.43/0.36; frost5 495x660 std 44.4 43.3 41.7, skew 0.51,
// 0.82/0.84/0.35/0.34. frost1 is the only coloured one: channel correlations R-G 0.82, G-B 0.93
// (others >= 0.99). Means and stds are matched by construction (up to rounding and clipping); the
// shape constants below were fitted to the relative numbers (the procedural values are within about
// 0.1 of them).
#include "corrupt/weather/frost_texture.h"

#include <array>
#include <cmath>
#include <filesystem>
#include <system_error>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace dign::corrupt {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct FrostLook {
  std::array<double, 3> mean, stddev;  // RGB, 0..255
  double skew;              // of the gray level (native-size looks: the transform's input, fitted)
  double needles, patches;  // weights of the needle and ~60 px layers (fitted)
  // Native size only (fitted): at full resolution the 1 px needles are finer and more skewed
  // than the photographs' crystals, so they are made shorter (scale) and blurred (sigma, px).
  double needle_scale = 1.0, needle_blur = 0.0;
};

struct FrostPhoto {
  int rows, cols;                   // the original photograph
  FrostLook cifar, tiny, imagenet;  // after the x0.2 / x0.3 resize, and unresized
  double tint_r, tint_b;            // angles mixing a second field into R and B (frost1's colour)
};

// Per photograph and scale (x0.2 CIFAR, x0.3 Tiny): the measured look, and fitted weights.
constexpr FrostLook kFrost1Cifar = {{77.5, 149.0, 165.7}, {26.8, 16.4, 15.3}, 0.49, 0.6, 0.47};
constexpr FrostLook kFrost1Tiny = {{77.6, 149.0, 165.7}, {25.4, 15.6, 14.6}, 0.49, 0.5, 0.47};
constexpr FrostLook kFrost2Cifar = {{200.8, 205.4, 214.5}, {21.4, 22.1, 22.6}, -0.92, 0.74, 0.3};
constexpr FrostLook kFrost2Tiny = {{200.8, 205.4, 214.5}, {20.3, 21.0, 21.5}, -0.79, 0.6, 0.3};
constexpr FrostLook kFrost4Cifar = {{138.0, 153.2, 165.6}, {29.0, 29.0, 30.2}, 0.21, 0.9, 0.47};
constexpr FrostLook kFrost4Tiny = {{137.5, 152.6, 165.0}, {26.3, 26.4, 27.8}, 0.04, 0.74, 0.3};
constexpr FrostLook kFrost5Cifar = {{112.3, 123.3, 134.7}, {44.3, 43.2, 41.6}, 0.51, 0.74, 0.3};
constexpr FrostLook kFrost5Tiny = {{112.4, 123.4, 134.8}, {42.2, 41.0, 39.3}, 0.50, 0.6, 0.3};
// Native size (ImageNet-C crops the photographs unresized); skew, needles, patches, needle
// scale and blur fitted to the measured numbers above on two textures' average (within 0.03;
// frost1's mid band 0.35). Single textures vary: the crop share by up to 0.15, the rest 0.07.
constexpr FrostLook kFrost1Net = {
    {77.7, 149.1, 165.7}, {26.9, 16.5, 15.3}, -0.05, 0.8, 0.26, 0.88, 0.5};
constexpr FrostLook kFrost2Net = {
    {200.8, 205.4, 214.5}, {21.4, 22.1, 22.6}, -1.09, 0.88, 0.5, 0.6, 0.54};
constexpr FrostLook kFrost4Net = {
    {137.6, 152.8, 165.2}, {28.5, 28.5, 29.9}, -0.36, 0.87, 0.21, 0.6, 0.48};
constexpr FrostLook kFrost5Net = {
    {112.4, 123.4, 134.8}, {44.4, 43.3, 41.7}, 0.23, 0.61, 0.04, 0.76, 0.54};
constexpr std::array<FrostPhoto, 5> kPhotos = {{
    {600, 900, kFrost1Cifar, kFrost1Tiny, kFrost1Net, 0.61, -0.38},  // tint: R-G 0.82, G-B 0.93
    {315, 560, kFrost2Cifar, kFrost2Tiny, kFrost2Net, 0, 0},
    {315, 560, kFrost2Cifar, kFrost2Tiny, kFrost2Net, 0, 0},  // frost3: the same pixels as frost2
    {350, 527, kFrost4Cifar, kFrost4Tiny, kFrost4Net, 0, 0},
    {495, 660, kFrost5Cifar, kFrost5Tiny, kFrost5Net, 0, 0},
}};

// Shape constants, lengths in pixels of the original photograph (scaled by the resize),
// fitted to the relative statistics above at both scales.
constexpr double kCoarseWeight = 0.70;   // regions ~200 px across (patches ~60 px: FrostLook)
constexpr double kNeedleLength = 15.6;   // mean stem length
constexpr double kNeedleDensity = 1.85;  // stems per (length^2 / 2)
constexpr double kCoarseCell = 200.0;
constexpr double kMidCell = 62.0;
constexpr double kSkewGain = 0.45;  // exp transform strength per unit of target skewness

void standardize(cv::Mat& field) {
  cv::Scalar mean, stddev;
  cv::meanStdDev(field, mean, stddev);
  field = (field - mean[0]) / (stddev[0] > 0 ? stddev[0] : 1.0);
}

// Standardized smooth noise: N(0,1) on a grid of `cell` px, bicubic in between.
cv::Mat smooth_field(int rows, int cols, double cell, Rng& rng) {
  cell = std::max(cell, 1.0);
  const int grid_rows = static_cast<int>(rows / cell) + 3;
  const int grid_cols = static_cast<int>(cols / cell) + 3;
  cv::Mat grid(grid_rows, grid_cols, CV_64FC1);
  for (auto it = grid.begin<double>(); it != grid.end<double>(); ++it) *it = rng.normal();
  cv::Mat up;
  cv::resize(grid, up,
             cv::Size(static_cast<int>(grid_cols * cell), static_cast<int>(grid_rows * cell)), 0, 0,
             cv::INTER_CUBIC);
  const int skip = static_cast<int>(cell);  // drop the first cell: cubic edge effects
  cv::Mat field = up(cv::Rect(skip, skip, cols, rows)).clone();
  standardize(field);
  return field;
}

// A straight needle of brightness 120..255 along the unit direction (dx, dy), rasterized by
// sampling once per pixel step.
void draw_needle(cv::Mat& canvas, double x0, double y0, double dx, double dy, double length,
                 Rng& rng) {
  const auto value = static_cast<uint8_t>(rng.uniform(120.0, 255.0));
  const int steps = static_cast<int>(length * std::max(std::abs(dx), std::abs(dy))) + 1;
  const double sx = length * dx / steps, sy = length * dy / steps;
  for (int i = 0; i <= steps; ++i) {
    const int x = static_cast<int>(std::floor(x0 + i * sx + 0.5));
    const int y = static_cast<int>(std::floor(y0 + i * sy + 0.5));
    if (x >= 0 && y >= 0 && x < canvas.cols && y < canvas.rows) canvas.at<uint8_t>(y, x) = value;
  }
}

// Dendrites: stems with pairs of side branches that shorten toward the tip, drawn at 2x and
// averaged down 2x2, then standardized.
cv::Mat needles(int rows, int cols, double scale, Rng& rng) {
  cv::Mat canvas = cv::Mat::zeros(2 * rows, 2 * cols, CV_8UC1);
  const double length = 2 * kNeedleLength * scale;  // on the 2x canvas
  const int count = static_cast<int>(kNeedleDensity * 2.0 * canvas.total() / (length * length));
  const double spacing = 8 * 2 * scale;
  for (int i = 0; i < count; ++i) {
    const double x = rng.uniform(-5.0, canvas.cols + 5.0);
    const double y = rng.uniform(-5.0, canvas.rows + 5.0);
    const double angle = rng.uniform(0.0, 2 * kPi);
    const double stem = rng.uniform(0.5, 1.5) * length;
    const double dx = std::cos(angle), dy = std::sin(angle);
    draw_needle(canvas, x, y, dx, dy, stem, rng);
    const double step = rng.uniform(1.0, 2.0) * spacing;
    for (double t = step; t < stem; t += step) {
      const double branch = (stem - t) * rng.uniform(0.25, 0.5);
      const double spread = rng.uniform(0.7, 1.1);
      const double cs = std::cos(spread), sn = std::sin(spread);
      // Directions angle + spread and angle - spread.
      draw_needle(canvas, x + t * dx, y + t * dy, dx * cs - dy * sn, dy * cs + dx * sn, branch,
                  rng);
      draw_needle(canvas, x + t * dx, y + t * dy, dx * cs + dy * sn, dy * cs - dx * sn, branch,
                  rng);
    }
  }
  cv::Mat small, field;
  cv::resize(canvas, small, cv::Size(cols, rows), 0, 0, cv::INTER_AREA);
  small.convertTo(field, CV_64F);
  standardize(field);
  return field;
}

}  // namespace

std::vector<cv::Mat> load_frost_images(const std::string& dir) {
  static const char* const kNames[] = {"frost1.png", "frost2.png", "frost3.png", "frost4.jpg",
                                       "frost5.jpg"};
  std::vector<cv::Mat> images;
  for (const char* name : kNames) {
    const std::string path = (std::filesystem::path(dir) / name).string();
    std::error_code error;
    DIGN_CHECK_OPTION(std::filesystem::is_regular_file(path, error), "frost_dir", "missing ", path,
                      " (expected frost1.png, frost2.png, frost3.png, frost4.jpg, frost5.jpg)");
    const cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);  // drops alpha, as cv2.imread does
    DIGN_CHECK_OPTION(!bgr.empty(), "frost_dir", "cannot decode ", path, " as an image");
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    images.push_back(rgb);
  }
  return images;
}

double frost_scale(Table table) {
  return table == Table::kImageNet ? 1.0 : table == Table::kTiny ? 0.3 : 0.2;
}

cv::Mat procedural_frost(int index, Table table, Rng& rng) {
  DIGN_CHECK(index >= 0 && index < 5, "procedural_frost: index must be 0..4, got ", index);
  const FrostPhoto& photo = kPhotos[static_cast<size_t>(index)];
  const FrostLook& look = table == Table::kImageNet ? photo.imagenet
                          : table == Table::kTiny   ? photo.tiny
                                                    : photo.cifar;
  const double scale = frost_scale(table);
  // cv::resize's output size: cvRound(size * factor).
  const int rows = cvRound(photo.rows * scale), cols = cvRound(photo.cols * scale);

  cv::Mat crystals = needles(rows, cols, scale * look.needle_scale, rng);
  if (look.needle_blur > 0) {
    cv::GaussianBlur(crystals, crystals, cv::Size(0, 0), look.needle_blur);
    standardize(crystals);
  }
  cv::Mat z = look.needles * crystals +
              kCoarseWeight * smooth_field(rows, cols, kCoarseCell * scale, rng) +
              look.patches * smooth_field(rows, cols, kMidCell * scale, rng);
  standardize(z);
  // Skew: bright needles on dark ground (> 0), or dark edges on white ice (frost2, < 0).
  const double k = kSkewGain * look.skew;
  if (std::abs(k) > 1e-6) {
    cv::Mat e;
    cv::exp(k * z, e);
    z = (e - 1.0) / k;
    standardize(z);
  }
  // frost1's colour: R and B also follow a second field, made uncorrelated with z so that
  // each channel keeps exactly its standard deviation.
  cv::Mat tint = cv::Mat::zeros(rows, cols, CV_64FC1);
  if (photo.tint_r != 0 || photo.tint_b != 0) {
    tint = smooth_field(rows, cols, kCoarseCell * scale, rng);
    tint -= (tint.dot(z) / z.dot(z)) * z;
    standardize(tint);
  }
  const double angle[3] = {photo.tint_r, 0.0, photo.tint_b};
  cv::Mat out(rows, cols, CV_8UC3);
  for (int r = 0; r < rows; ++r) {
    const auto* zr = z.ptr<double>(r);
    const auto* tr = tint.ptr<double>(r);
    auto* o = out.ptr<cv::Vec3b>(r);
    for (int c = 0; c < cols; ++c) {
      for (int ch = 0; ch < 3; ++ch) {
        const double v = std::cos(angle[ch]) * zr[c] + std::sin(angle[ch]) * tr[c];
        o[c][ch] = cv::saturate_cast<uint8_t>(look.mean[ch] + look.stddev[ch] * v);
      }
    }
  }
  return out;
}

}  // namespace dign::corrupt
