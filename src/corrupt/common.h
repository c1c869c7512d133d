#pragma once
// Conversions every corruption shares, matching the original generator:
// x = uint8 / 255 as float64 in [0,1]; out = uint8(clip01(y) * 255) with the
// truncating cast numpy's np.uint8(float) performs (254.9999 -> 254).
#include <opencv2/core.hpp>

#include <array>

#include "corrupt/corruption.h"

namespace dign::corrupt {

/// CV_8UC3 -> CV_64FC3 in [0,1].
cv::Mat to_unit(const cv::Mat& rgb);
/// CV_64FC3 (any range) -> CV_8UC3: clip to [0,1], times 255, truncate.
cv::Mat from_unit_truncate(const cv::Mat& unit);
/// CV_64FC3 in [0,255] units -> CV_8UC3: clip to [0,255], truncate.
cv::Mat from_255_truncate(const cv::Mat& values);

/// The severity's entry of a 5-entry parameter table; dign::Error unless 1 <= severity <= 5.
template <typename T>
const T& at_severity(const std::array<T, 5>& table, int severity);

/// The severity's entry of the table the context selects (CIFAR 32 px or Tiny-ImageNet 64 px).
template <typename T>
const T& pick(const std::array<T, 5>& cifar, const std::array<T, 5>& tiny, int severity,
              const Context& context) {
  return at_severity(context.table == Table::kTiny ? tiny : cifar, severity);
}

}  // namespace dign::corrupt

#include "corrupt/common_inl.h"
