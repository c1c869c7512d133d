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

/// The severity's entry of the table the context selects (CIFAR 32 px, Tiny-ImageNet 64 px or
/// ImageNet 224 px).
template <typename T>
const T& pick(const std::array<T, 5>& cifar, const std::array<T, 5>& tiny,
              const std::array<T, 5>& imagenet, int severity, const Context& context) {
  switch (context.table) {
    case Table::kTiny:
      return at_severity(tiny, severity);
    case Table::kImageNet:
      return at_severity(imagenet, severity);
    case Table::kCifar:
      break;
  }
  return at_severity(cifar, severity);
}

/// The image side each table was made for: 32, 64 or 224.
int table_side(Table table);
/// "cifar", "tiny-imagenet" or "imagenet": the table's name in reports and manifests.
const char* table_name(Table table);

}  // namespace dign::corrupt

#include "corrupt/common_inl.h"
