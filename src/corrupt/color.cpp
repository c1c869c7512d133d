#include "corrupt/color.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace dign::corrupt {

cv::Mat rgb2hsv(const cv::Mat& rgb) {
  DIGN_CHECK(rgb.type() == CV_64FC3, "rgb2hsv: expected a float64 HxWx3 image");
  cv::Mat hsv(rgb.size(), CV_64FC3);
  for (int i = 0; i < rgb.rows; ++i) {
    const auto* in = rgb.ptr<cv::Vec3d>(i);
    auto* out = hsv.ptr<cv::Vec3d>(i);
    for (int j = 0; j < rgb.cols; ++j) {
      const double r = in[j][0], g = in[j][1], b = in[j][2];
      const double v = std::max({r, g, b});
      const double delta = v - std::min({r, g, b});
      double h = 0.0, s = 0.0;
      if (delta != 0.0) {
        s = delta / v;
        // skimage assigns red, then green, then blue, so on ties the later channel wins.
        if (b == v) {
          h = 4.0 + (r - g) / delta;
        } else if (g == v) {
          h = 2.0 + (b - r) / delta;
        } else {
          h = (g - b) / delta;
        }
        h = h / 6.0;
        h -= std::floor(h);  // numpy's % 1. for a float: result in [0, 1)
      }
      out[j] = cv::Vec3d(h, s, v);
    }
  }
  return hsv;
}

cv::Mat hsv2rgb(const cv::Mat& hsv) {
  DIGN_CHECK(hsv.type() == CV_64FC3, "hsv2rgb: expected a float64 HxWx3 image");
  cv::Mat rgb(hsv.size(), CV_64FC3);
  for (int i = 0; i < hsv.rows; ++i) {
    const auto* in = hsv.ptr<cv::Vec3d>(i);
    auto* out = rgb.ptr<cv::Vec3d>(i);
    for (int j = 0; j < hsv.cols; ++j) {
      const double h = in[j][0], s = in[j][1], v = in[j][2];
      const double hi = std::floor(h * 6.0);
      const double f = h * 6.0 - hi;
      const double p = v * (1.0 - s);
      const double q = v * (1.0 - f * s);
      const double t = v * (1.0 - (1.0 - f) * s);
      // skimage: hi.astype(uint8) % 6 (h = 1.0 exactly wraps to sector 0).
      switch (static_cast<int>(hi) % 6) {
        case 0:
          out[j] = cv::Vec3d(v, t, p);
          break;
        case 1:
          out[j] = cv::Vec3d(q, v, p);
          break;
        case 2:
          out[j] = cv::Vec3d(p, v, t);
          break;
        case 3:
          out[j] = cv::Vec3d(p, q, v);
          break;
        case 4:
          out[j] = cv::Vec3d(t, p, v);
          break;
        default:
          out[j] = cv::Vec3d(v, p, q);
          break;
      }
    }
  }
  return rgb;
}

}  // namespace dign::corrupt
