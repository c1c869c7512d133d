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

/// rgb: uint8 [H,W,3] RGB, saved as JPEG at `quality` (1-100) and decoded again, as PIL
/// saves: the IJG tables scaled by quality, 4:2:0 chroma. jpeg_compression is this at the
/// severity's quality; the Tiny-ImageNet-C writer's final save (quality 85) is this too.
cv::Mat jpeg_round_trip(const cv::Mat& rgb, int quality);

}  // namespace dign::corrupt
