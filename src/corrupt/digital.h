#pragma once
// The digital corruptions (see corruptions.md, section 2). Signatures: corrupt::CorruptFn.
#include "corrupt/corruption.h"

namespace dign::corrupt {

cv::Mat brightness(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);
cv::Mat contrast(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);
cv::Mat elastic_transform(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);
cv::Mat pixelate(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);
cv::Mat jpeg_compression(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);
cv::Mat saturate(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);

}  // namespace dign::corrupt
