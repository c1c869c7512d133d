#pragma once
// Image operations several corruptions share, each matching the library call
// the original generator made (see corruptions.md). Images are float64 unless
// stated; "planes" are HxW single channel (CV_64FC1), "images" HxWx3 (CV_64FC3).
#include <opencv2/core.hpp>

#include <vector>

namespace dign::corrupt {

/// The 1-D kernel scipy.ndimage.gaussian_filter1d builds (scipy 1.0): half-width
/// int(truncate sigma + 0.5), weights exp(-0.5 i^2 / sigma^2) / sum; 2 * half-width + 1 entries.
std::vector<double> gaussian_kernel_1d(double sigma, double truncate);

/// skimage.filters.gaussian(x, sigma, mode='nearest', truncate=4.0), per channel:
/// half-width int(4 sigma + 0.5) (0 = no blur), border replicate. Any channel count;
/// float32 or float64 in (values used as they are, no /255), float64 out.
cv::Mat skimage_gaussian(const cv::Mat& image, double sigma);

/// scipy.ndimage.gaussian_filter(x, sigma, mode='reflect', truncate=3.0) on a plane
/// (elastic transform's displacement fields): half-width int(3 sigma + 0.5), BORDER_REFLECT.
cv::Mat scipy_gaussian_reflect(const cv::Mat& plane, double sigma, double truncate = 3.0);

/// The original clipped_zoom: central crop of side ceil(H / z) at offset (H - ch) // 2, zoomed
/// with scipy.ndimage.zoom(order=1) to round-half-even(ch * z) (corner-aligned bilinear),
/// then rows/cols [(out - H) // 2, +H); rows and columns each use their own size (the original
/// assumed square images). Any channel count; float32 or float64 in, float64 out; zoom >= 1.
cv::Mat clipped_zoom(const cv::Mat& image, double zoom);

/// ImageMagick 6 GetOptimalKernelWidth1D: 2 ceil(radius) + 1 when radius > 0, else the
/// narrowest width whose edge weight falls below 1/65535.
int imagemagick_kernel_width(double radius, double sigma);

/// ImageMagick 6 MotionBlurImage(radius, sigma, angle in degrees) on a uint8 image (1 or 3
/// channels): width 2 ceil(radius) + 1, one-sided weights exp(-i^2 / (2 sigma^2)) normalized,
/// samples at (x + round(i cos t), y + round(i sin t)) with round(v) = ceil(v - 0.5), edge
/// pixels outside; result rounded down to uint8 after ImageMagick's 16-bit rounding
/// (floor(round(257 f) / 257), so a flat image stays flat). Any channel count.
cv::Mat imagemagick_motion_blur(const cv::Mat& image_u8, double radius, double sigma,
                                double angle_degrees);

}  // namespace dign::corrupt
