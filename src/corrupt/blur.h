#pragma once
// The blur corruptions (see corruptions.md, section 2). Signatures: corrupt::CorruptFn.
#include "corrupt/corruption.h"

namespace dign::corrupt {

cv::Mat defocus_blur(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);
cv::Mat glass_blur(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);
cv::Mat motion_blur(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);
cv::Mat zoom_blur(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);
cv::Mat gaussian_blur(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);

}  // namespace dign::corrupt
