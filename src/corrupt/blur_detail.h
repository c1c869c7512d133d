#pragma once
// Internals of blur.cpp, exposed for their known-answer tests.
#include <opencv2/core.hpp>

#include <vector>

#include "corrupt/corruption.h"

namespace dign::corrupt::detail {

/// The original disk(): 1 where X^2 + Y^2 <= radius^2 on a 17x17 grid (offsets -8..8; for
/// radius > 8, -radius..radius), normalized to sum 1. CV_32FC1, before anti-aliasing.
cv::Mat defocus_disk(double radius);
/// defocus_disk anti-aliased with cv::GaussianBlur(3x3, sigma = alias_sigma) (5x5 for
/// radius > 8), as the original kernel. CV_32FC1.
cv::Mat defocus_kernel(double radius, double alias_sigma);

/// np.arange(1, end, step) exactly as numpy computes it: ceil((end - 1) / step) values
/// 1 + i * ((1 + step) - 1). Step 0.01, end 1.06 1.11 1.16 1.21 1.26 -> 7 12 16 21 26 factors
/// (32 and 64 px); the 224 px table's (1.11, .01) (1.16, .01) (1.21, .02) (1.26, .02)
/// (1.31, .03) -> 12 16 11 13 11.
std::vector<double> zoom_factors(double end, double step = 0.01);

/// One pass of glass_blur's local shuffle on a uint8 image, in place: for h = H-d .. d+1 and
/// w = W-d .. d+1 (descending), x[h, w] <- x[h + dy, w + dx] with dx, dy in {-d .. d-1}.
void glass_shuffle(cv::Mat& image_u8, int max_delta, Rng& rng);

}  // namespace dign::corrupt::detail
