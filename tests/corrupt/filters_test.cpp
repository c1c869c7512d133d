#include "corrupt/filters.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace dign::corrupt {
namespace {

// A 1-channel float64 plane with a single 1.0 at (y, x).
cv::Mat impulse(int rows, int cols, int y, int x) {
  cv::Mat m = cv::Mat::zeros(rows, cols, CV_64FC1);
  m.at<double>(y, x) = 1.0;
  return m;
}

TEST(FiltersGaussianKernel, HalfWidthIsIntOfTruncateSigmaPlusHalf) {
  // int(4 sigma + 0.5): CIFAR gaussian_blur 0.4 0.6 0.7 0.8 1.0 -> 2 2 3 3 4;
  // Tiny 0.5 0.75 1.0 1.25 1.5 -> 2 3 4 5 6; glass 0.05 -> 0, 0.25 -> 1.
  const std::vector<std::pair<double, int>> cases = {
      {0.4, 2},  {0.6, 2}, {0.7, 3},  {0.8, 3}, {1.0, 4},  {0.5, 2}, {0.75, 3},
      {1.25, 5}, {1.5, 6}, {0.05, 0}, {0.1, 0}, {0.25, 1}, {0.9, 4}};
  for (const auto& [sigma, half] : cases) {
    const auto w = gaussian_kernel_1d(sigma, 4.0);
    EXPECT_EQ(w.size(), static_cast<size_t>(2 * half + 1)) << "sigma " << sigma;
    double sum = 0;
    for (double v : w) sum += v;
    EXPECT_NEAR(sum, 1.0, 1e-15) << "sigma " << sigma;
  }
  // truncate 3 (elastic): int(3 * 1.28 + 0.5) = 4.
  EXPECT_EQ(gaussian_kernel_1d(1.28, 3.0).size(), 9u);
}

TEST(FiltersGaussianKernel, WeightsForSigmaOne) {
  // exp(-i^2/2) / (1 + 2 (e^-.5 + e^-2 + e^-4.5 + e^-8)) = 1 / 2.5066208...
  const auto w = gaussian_kernel_1d(1.0, 4.0);
  ASSERT_EQ(w.size(), 9u);
  EXPECT_NEAR(w[4], 0.398943469356, 1e-12);
  EXPECT_NEAR(w[5], 0.241971445657, 1e-12);
  EXPECT_NEAR(w[6], 0.053991127421, 1e-12);
  EXPECT_NEAR(w[7], 0.004431861620, 1e-12);
  EXPECT_NEAR(w[8], 0.000133830625, 1e-12);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(w[i], w[8 - i]);
}

TEST(FiltersSkimageGaussian, ImpulseResponseIsOuterProductWithinHalfWidth) {
  const auto w = gaussian_kernel_1d(1.0, 4.0);
  const cv::Mat out = skimage_gaussian(impulse(15, 15, 7, 7), 1.0);
  ASSERT_EQ(out.type(), CV_64FC1);
  for (int y = 0; y < 15; ++y) {
    for (int x = 0; x < 15; ++x) {
      const int dy = std::abs(y - 7), dx = std::abs(x - 7);
      const double expected = (dy <= 4 && dx <= 4) ? w[4 + dy] * w[4 + dx] : 0.0;
      EXPECT_NEAR(out.at<double>(y, x), expected, 1e-15) << y << "," << x;
    }
  }
  EXPECT_EQ(out.at<double>(7, 12), 0.0);  // 5 px away: beyond the half-width, exactly 0
}

TEST(FiltersSkimageGaussian, SmallSigmaIsExactIdentityOnAnyChannelCount) {
  cv::Mat x(8, 9, CV_64FC(5));
  cv::randu(x, 0.0, 1.0);
  for (double sigma : {0.0, 0.05, 0.1}) {
    const cv::Mat out = skimage_gaussian(x, sigma);
    ASSERT_EQ(out.type(), x.type());
    EXPECT_EQ(cv::norm(out, x, cv::NORM_INF), 0.0) << sigma;
  }
}

TEST(FiltersSkimageGaussian, BorderIsReplicateAndChannelsAreIndependent) {
  // Column 0 = 1 in channel 0 only. With 'nearest' the left outside samples copy column 0,
  // so out(col 0) = w0 + w1 + ... + w4 = 0.69947...; channel 1 (zeros) stays 0.
  cv::Mat x = cv::Mat::zeros(6, 12, CV_64FC2);
  for (int y = 0; y < 6; ++y) x.at<cv::Vec2d>(y, 0)[0] = 1.0;
  const cv::Mat out = skimage_gaussian(x, 1.0);
  EXPECT_NEAR(out.at<cv::Vec2d>(3, 0)[0], 0.699471734678, 1e-12);
  for (int y = 0; y < 6; ++y) {
    for (int c = 0; c < 12; ++c) EXPECT_EQ(out.at<cv::Vec2d>(y, c)[1], 0.0);
  }
  // float32 input is accepted and gives the same float64 result.
  cv::Mat x32;
  x.convertTo(x32, CV_32F);
  EXPECT_LT(cv::norm(skimage_gaussian(x32, 1.0), out, cv::NORM_INF), 1e-15);
}

TEST(FiltersScipyGaussianReflect, BorderIsHalfSampleSymmetric) {
  // Reflect: the sample left of column 0 is column 0 itself, the next one column 1 (= 0),
  // so out(col 0) = w0 + w1 with truncate 3 (half-width 3): 0.64108...
  cv::Mat x = cv::Mat::zeros(5, 10, CV_64FC1);
  x.col(0).setTo(1.0);
  const cv::Mat out = scipy_gaussian_reflect(x, 1.0);
  const auto w = gaussian_kernel_1d(1.0, 3.0);
  ASSERT_EQ(w.size(), 7u);
  EXPECT_NEAR(out.at<double>(2, 0), w[3] + w[4], 1e-15);
  EXPECT_NEAR(out.at<double>(2, 0), 0.641086509029, 1e-12);
  // A plane narrower than the kernel reflects repeatedly and keeps the mean of a constant.
  cv::Mat tiny(2, 2, CV_64FC1, cv::Scalar(0.25));
  EXPECT_NEAR(cv::norm(scipy_gaussian_reflect(tiny, 3.0) - 0.25, cv::NORM_INF), 0.0, 1e-15);
}

TEST(FiltersClippedZoom, OneAndOnePointZeroOneAreExactIdentitiesAt32) {
  cv::Mat x(32, 32, CV_64FC3);
  cv::randu(x, 0.0, 1.0);
  for (double z : {1.0, 1.01}) {
    const cv::Mat out = clipped_zoom(x, z);
    ASSERT_EQ(out.size(), x.size());
    ASSERT_EQ(out.type(), CV_64FC3);
    EXPECT_EQ(cv::norm(out, x, cv::NORM_INF), 0.0) << z;
  }
  EXPECT_GT(cv::norm(clipped_zoom(x, 1.02), x, cv::NORM_INF), 0.0);
}

// On a ramp I(r, c) = c, corner-aligned bilinear is exact:
// out(r, j) = top + (trim + j) * (crop - 1) / (zoomed - 1).
void expect_ramp_zoom(int n, double z, int top, int zoomed, int trim) {
  cv::Mat ramp(n, n, CV_64FC1);
  for (int r = 0; r < n; ++r) {
    for (int c = 0; c < n; ++c) ramp.at<double>(r, c) = c;
  }
  const int crop = static_cast<int>(std::ceil(n / z));
  const cv::Mat out = clipped_zoom(ramp, z);
  ASSERT_EQ(out.size(), ramp.size());
  for (int j = 0; j < n; ++j) {
    const double expected = top + (trim + j) * double(crop - 1) / double(zoomed - 1);
    EXPECT_NEAR(out.at<double>(n / 2, j), expected, 1e-12) << "n " << n << " z " << z << " j " << j;
  }
}

TEST(FiltersClippedZoom, CropAndOutputSizesMatchTheOriginal) {
  // 32 px, z 1.25: crop ceil(25.6) = 26 at (32-26)//2 = 3; 26 * 1.25 = 32.5 rounds half-even
  // to 32 (half-up would give 33), trim 0.
  expect_ramp_zoom(32, 1.25, 3, 32, 0);
  // z 1.75: crop 19 at 6 -> 33.25 -> 33, trim (33-32)//2 = 0: the top-left quirk.
  expect_ramp_zoom(32, 1.75, 6, 33, 0);
  // z 2.25: crop 15 at 8 -> 33.75 -> 34, trim 1.
  expect_ramp_zoom(32, 2.25, 8, 34, 1);
  // z 1.02: crop 32 (31.37 up) at 0 -> 32.64 -> 33, trim 0: magnification 32/31.
  expect_ramp_zoom(32, 1.02, 0, 33, 0);
  // 64 px, z 1.25: crop 52 at 6 -> 65, trim 0.
  expect_ramp_zoom(64, 1.25, 6, 65, 0);
}

TEST(FiltersMotionBlur, KernelWidths) {
  // 2 ceil(radius) + 1: CIFAR radii 6 6 6 8 9 -> 13 13 13 17 19; Tiny 10 -> 21, 12 -> 25.
  EXPECT_EQ(imagemagick_kernel_width(6, 1), 13);
  EXPECT_EQ(imagemagick_kernel_width(8, 2), 17);
  EXPECT_EQ(imagemagick_kernel_width(9, 2.5), 19);
  EXPECT_EQ(imagemagick_kernel_width(10, 2.5), 21);
  EXPECT_EQ(imagemagick_kernel_width(12, 3), 25);
  EXPECT_EQ(imagemagick_kernel_width(14, 12), 29);  // snow severity 5
  EXPECT_EQ(imagemagick_kernel_width(0, 0), 1);
  EXPECT_GE(imagemagick_kernel_width(0, 1), 5);  // from sigma alone
}

TEST(FiltersMotionBlur, WhitePixelSmearsTowardMinusX) {
  // Weights for sigma 1: .5703 .3459 .0772 .0063 .0002; 255 * w -> 16-bit -> floor:
  // 145, 88, 19, 1, 0 at x = 16, 15, 14, 13, 12 (as ImageMagick: x = 13..16).
  cv::Mat x = cv::Mat::zeros(32, 32, CV_8UC3);
  x.at<cv::Vec3b>(16, 16) = cv::Vec3b(255, 255, 255);
  const cv::Mat out = imagemagick_motion_blur(x, 6, 1, 0.0);
  ASSERT_EQ(out.type(), CV_8UC3);
  const int expected[] = {0, 1, 19, 88, 145, 0};  // x = 12 .. 17
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(out.at<cv::Vec3b>(16, 12 + i), cv::Vec3b::all(expected[i])) << "x " << 12 + i;
  }
  EXPECT_EQ(cv::countNonZero(out.reshape(1, 0)), 4 * 3);
  // 90 degrees samples toward +y (down), so the smear goes up: y = 13..16.
  const cv::Mat vertical = imagemagick_motion_blur(x, 6, 1, 90.0);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(vertical.at<cv::Vec3b>(12 + i, 16), cv::Vec3b::all(expected[i])) << "y " << 12 + i;
  }
}

TEST(FiltersMotionBlur, FlatImageStaysFlatAndOneChannelWorks) {
  // A plain floor of the weighted sum would turn v into v - 1 whenever the weights sum to
  // 1 - ulp; ImageMagick's 16-bit rounding keeps flat regions exact.
  for (int v : {0, 1, 33, 128, 200, 254, 255}) {
    const cv::Mat x(20, 24, CV_8UC1, cv::Scalar(v));
    const cv::Mat out = imagemagick_motion_blur(x, 9, 2.5, 17.0);
    ASSERT_EQ(out.type(), CV_8UC1);
    EXPECT_EQ(cv::norm(out, x, cv::NORM_INF), 0.0) << v;
  }
}

}  // namespace
}  // namespace dign::corrupt
