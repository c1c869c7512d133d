#pragma once
// The synthetic inputs of the oracle dump (oracle_dump.cpp): test images, snow-like flake layers,
// stand-ins for the frost photographs, and .npy arrays of them.
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "core/error.h"
#include "corrupt/rng.h"
#include "data/npy.h"

namespace dign::corrupt::oracle {

using data::NpyArray;

// A natural-looking test image: a smooth two-colour gradient with a low-frequency ripple,
// antialiased shapes (one pure white, one pure black, one saturated), a striped texture
// patch and mild grain; drawn at twice the size and averaged down. Image 0 is gray.
inline cv::Mat test_image(int size, int index, Rng& rng) {
  const int big = 2 * size;
  cv::Mat canvas(big, big, CV_64FC3);
  cv::Vec3d a, b;
  for (int k = 0; k < 3; ++k) {
    a[k] = rng.uniform(20, 235);
    b[k] = rng.uniform(20, 235);
  }
  const double angle = rng.uniform(0, 6.283185307179586);
  const double ripple = rng.uniform(0.5, 2.0), phase = rng.uniform(0, 6.28);
  for (int y = 0; y < big; ++y) {
    for (int x = 0; x < big; ++x) {
      const double u = (std::cos(angle) * x + std::sin(angle) * y) / big * 0.7 + 0.15;
      const double w =
          12.0 * std::sin(ripple * 6.2832 * y / big + phase) * std::cos(ripple * 3.1416 * x / big);
      canvas.at<cv::Vec3d>(y, x) = a * (1 - u) + b * u + cv::Vec3d(w, w, w);
    }
  }
  auto point = [&]() {
    return cv::Point(static_cast<int>(rng.integer(0, big)), static_cast<int>(rng.integer(0, big)));
  };
  cv::circle(canvas, point(), static_cast<int>(rng.integer(big / 10, big / 4)),
             cv::Scalar(255, 255, 255), cv::FILLED, cv::LINE_AA);
  cv::rectangle(canvas, cv::Rect(point(), cv::Size(big / 5, big / 7)), cv::Scalar(0, 0, 0),
                cv::FILLED);
  const cv::Point triangle[3] = {point(), point(), point()};
  const cv::Scalar vivid = index % 3 == 0   ? cv::Scalar(230, 20, 10)
                           : index % 3 == 1 ? cv::Scalar(15, 200, 40)
                                            : cv::Scalar(30, 60, 250);
  cv::fillConvexPoly(canvas, triangle, 3, vivid, cv::LINE_AA);
  // Stripes in one quadrant, then grain everywhere.
  const int qx = static_cast<int>(rng.integer(0, 2)) * size,
            qy = static_cast<int>(rng.integer(0, 2)) * size;
  for (int y = qy; y < qy + size; ++y) {
    for (int x = qx; x < qx + size; ++x) {
      const double s = 25.0 * std::sin(0.9 * x + 0.6 * y);
      canvas.at<cv::Vec3d>(y, x) += cv::Vec3d(s, s, s);
    }
  }
  for (auto it = canvas.begin<cv::Vec3d>(); it != canvas.end<cv::Vec3d>(); ++it) {
    const double n = rng.uniform(-6, 6);
    *it += cv::Vec3d(n, n * 0.5, -n);
  }
  cv::Mat small, out;
  cv::resize(canvas, small, cv::Size(size, size), 0, 0, cv::INTER_AREA);
  small.convertTo(out, CV_8UC3);  // rounds and saturates: some pixels are 0 and 255
  if (index == 0) {
    cv::Mat gray;
    cv::cvtColor(out, gray, cv::COLOR_RGB2GRAY);
    cv::cvtColor(gray, out, cv::COLOR_GRAY2RGB);
  }
  return out;
}

// A snow-like layer: mostly 0, scattered flakes of 150..255 (what snow hands ImageMagick).
inline cv::Mat flake_layer(int size, Rng& rng) {
  cv::Mat layer(size, size, CV_8UC1);
  for (auto it = layer.begin<uint8_t>(); it != layer.end<uint8_t>(); ++it) {
    *it = rng.uniform() < 0.08 ? static_cast<uint8_t>(rng.integer(150, 256)) : 0;
  }
  return layer;
}

// A stand-in for a frost photograph: smooth blotches plus fine speckle, textured enough that a
// 32 x 32 crop of it is unique.
inline cv::Mat frost_photo(int rows, int cols, Rng& rng) {
  cv::Mat coarse(rows / 16 + 2, cols / 16 + 2, CV_64FC3), fine(rows, cols, CV_64FC3);
  for (auto it = coarse.begin<cv::Vec3d>(); it != coarse.end<cv::Vec3d>(); ++it) {
    const double g = rng.uniform(60, 220);
    *it = cv::Vec3d(g + rng.uniform(-20, 20), g, g + rng.uniform(-20, 20));
  }
  for (auto it = fine.begin<cv::Vec3d>(); it != fine.end<cv::Vec3d>(); ++it) {
    const double g = rng.normal(0, 25);
    *it = cv::Vec3d(g, g, g);
  }
  cv::Mat up, out;
  cv::resize(coarse, up, fine.size(), 0, 0, cv::INTER_CUBIC);
  cv::Mat(up + fine).convertTo(out, CV_8UC3);
  return out;
}

inline NpyArray u1(std::vector<int64_t> shape, const std::vector<cv::Mat>& mats) {
  std::vector<uint8_t> bytes;
  for (const cv::Mat& m : mats) {
    const cv::Mat c = m.isContinuous() ? m : m.clone();
    DIGN_CHECK(c.depth() == CV_8U, "oracle_dump: expected uint8 images");
    bytes.insert(bytes.end(), c.datastart, c.dataend);
  }
  return NpyArray::u1(std::move(shape), std::move(bytes));
}

inline NpyArray f8(std::vector<int64_t> shape, const std::vector<double>& values) {
  NpyArray a;
  a.dtype = "f8";
  a.shape = std::move(shape);
  a.data.resize(values.size() * sizeof(double));
  std::memcpy(a.data.data(), values.data(), a.data.size());
  return a;
}

}  // namespace dign::corrupt::oracle
