#include "corrupt/color.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace dign::corrupt {
namespace {

cv::Vec3d hsv_of(double r, double g, double b) {
  const cv::Mat rgb(1, 1, CV_64FC3, cv::Scalar(r, g, b));
  return rgb2hsv(rgb).at<cv::Vec3d>(0, 0);
}

cv::Vec3d rgb_of(double h, double s, double v) {
  const cv::Mat hsv(1, 1, CV_64FC3, cv::Scalar(h, s, v));
  return hsv2rgb(hsv).at<cv::Vec3d>(0, 0);
}

void expect_vec_near(const cv::Vec3d& got, const cv::Vec3d& want, double tol) {
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(got[k], want[k], tol) << "channel " << k;
}

TEST(ColorRgb2Hsv, PureColoursHaveSkimageHues) {
  // H is a fraction of a turn: red 0, yellow 1/6, green 1/3, cyan 1/2, blue 2/3, magenta 5/6.
  expect_vec_near(hsv_of(1, 0, 0), {0.0, 1, 1}, 1e-15);
  expect_vec_near(hsv_of(1, 1, 0), {1.0 / 6, 1, 1}, 1e-15);
  expect_vec_near(hsv_of(0, 1, 0), {1.0 / 3, 1, 1}, 1e-15);
  expect_vec_near(hsv_of(0, 1, 1), {0.5, 1, 1}, 1e-15);
  expect_vec_near(hsv_of(0, 0, 1), {2.0 / 3, 1, 1}, 1e-15);
  expect_vec_near(hsv_of(1, 0, 1), {5.0 / 6, 1, 1}, 1e-15);
}

TEST(ColorRgb2Hsv, GrayAndBlackHaveZeroHueAndSaturation) {
  EXPECT_EQ(hsv_of(0.5, 0.5, 0.5), cv::Vec3d(0, 0, 0.5));
  EXPECT_EQ(hsv_of(1, 1, 1), cv::Vec3d(0, 0, 1));
  EXPECT_EQ(hsv_of(0, 0, 0), cv::Vec3d(0, 0, 0));  // skimage: 0/0 -> 0, not NaN
}

TEST(ColorRgb2Hsv, MixedColoursByHand) {
  // (0.2, 0.4, 0.8): V = 0.8, S = 0.6 / 0.8 = 0.75, blue max: H = (4 + (0.2 - 0.4) / 0.6) / 6.
  expect_vec_near(hsv_of(0.2, 0.4, 0.8), {(4 - 1.0 / 3) / 6, 0.75, 0.8}, 1e-15);
  // (1, 0, 0.5): red max, (G - B) / delta = -0.5 -> -1/12, wrapped into [0, 1) = 11/12.
  expect_vec_near(hsv_of(1, 0, 0.5), {11.0 / 12, 1, 1}, 1e-15);
}

TEST(ColorHsv2Rgb, SectorsByHand) {
  // H = 0.25 -> sector 1, f = 0.5: (q, v, p) with S = 0.5, V = 0.8: q = 0.6, p = 0.4.
  expect_vec_near(rgb_of(0.25, 0.5, 0.8), {0.6, 0.8, 0.4}, 1e-15);
  // Zero saturation is gray whatever the hue; H = 1 wraps to red like H = 0.
  expect_vec_near(rgb_of(0.7, 0, 0.3), {0.3, 0.3, 0.3}, 0);
  expect_vec_near(rgb_of(1.0, 1, 1), {1, 0, 0}, 0);
  // Gray with S = 0.1 (saturate severity 4) turns red: (v, t, p) = (v, 0.9 v, 0.9 v).
  expect_vec_near(rgb_of(0, 0.1, 0.5), {0.5, 0.45, 0.45}, 1e-15);
}

TEST(ColorRoundTrip, RecoversEveryColourOfAGrid) {
  cv::Mat rgb(17 * 17, 17, CV_64FC3);
  for (int r = 0; r < 17; ++r) {
    for (int g = 0; g < 17; ++g) {
      for (int b = 0; b < 17; ++b) rgb.at<cv::Vec3d>(r * 17 + g, b) = cv::Vec3d(r, g, b) / 16.0;
    }
  }
  const cv::Mat back = hsv2rgb(rgb2hsv(rgb));
  EXPECT_LT(cv::norm(back, rgb, cv::NORM_INF), 1e-12);
}

TEST(ColorRoundTrip, PureAndGrayColoursAreExact) {
  for (const cv::Vec3d& c :
       {cv::Vec3d(1, 0, 0), cv::Vec3d(0, 1, 0), cv::Vec3d(0, 0, 1), cv::Vec3d(1, 1, 0),
        cv::Vec3d(0, 1, 1), cv::Vec3d(1, 0, 1), cv::Vec3d(0.25, 0.25, 0.25), cv::Vec3d(0, 0, 0)}) {
    const cv::Vec3d h = hsv_of(c[0], c[1], c[2]);
    EXPECT_EQ(rgb_of(h[0], h[1], h[2]), c);
  }
}

TEST(ColorErrors, RejectsOtherTypes) {
  const cv::Mat u8(2, 2, CV_8UC3, cv::Scalar(1, 2, 3));
  EXPECT_THROW(rgb2hsv(u8), dign::Error);
  EXPECT_THROW(hsv2rgb(u8), dign::Error);
}

}  // namespace
}  // namespace dign::corrupt
