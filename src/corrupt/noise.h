#pragma once
// The noise corruptions (see corruptions.md, section 2). Signatures: corrupt::CorruptFn.
#include "corrupt/corruption.h"

namespace dign::corrupt {

cv::Mat gaussian_noise(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);
cv::Mat shot_noise(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);
cv::Mat impulse_noise(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);
cv::Mat speckle_noise(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);

}  // namespace dign::corrupt
