#pragma once
// RGB <-> HSV exactly as skimage.color.rgb2hsv / hsv2rgb (v0.13.1), which the
// original brightness and saturate corruptions call. All channels are float64 in
// [0,1]; H is a fraction of a turn in [0,1), S = (max - min) / max, V = max.
// Not OpenCV's cvtColor HSV, whose 8-bit hue runs 0-180 and rounds.
//
//   cv::Mat hsv = rgb2hsv(to_unit(rgb));
//   ... change channel 1 (S) or 2 (V) ...
//   cv::Mat out = from_unit_truncate(hsv2rgb(hsv));
#include <opencv2/core.hpp>

namespace dign::corrupt {

/// CV_64FC3 RGB in [0,1] -> CV_64FC3 (H, S, V). Gray pixels (max = min) get H = 0 and
/// S = 0, black gets H = S = V = 0.
cv::Mat rgb2hsv(const cv::Mat& rgb);

/// CV_64FC3 (H, S, V) in [0,1] -> CV_64FC3 RGB.
cv::Mat hsv2rgb(const cv::Mat& hsv);

}  // namespace dign::corrupt
