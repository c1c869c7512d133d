#pragma once
// Pillow's resize of 8-bit images, bit for bit (Pillow 9.4, libImaging/Resample.c), and the
// ImageNet evaluation crop built on it. Two filters: BOX (pixelate, corruptions.md 2.17) and
// BILINEAR, the antialiased triangle filter torchvision's Resize uses on PIL images (its
// support widens with the shrink factor, unlike cv::INTER_LINEAR). LibTorch-free.
//
//   cv::Mat small = pil_resize(rgb, 134, 134, PilFilter::kBox);
//   cv::Mat input = imagenet_eval_crop(rgb, /*resize=*/256, /*crop=*/224);  // 224 x 224
#include <opencv2/core.hpp>

namespace dign::data {

enum class PilFilter { kBox, kBilinear };

/// PIL Image.resize((width, height), filter) of a uint8 image of 1 to 4 channels: per axis the
/// filter's weights in fixed point with 22 fraction bits, the horizontal pass first (when the
/// width changes), each pass rounded to uint8, the vertical pass second (when the height
/// changes). Returns a new image (a copy when the size does not change).
cv::Mat pil_resize(const cv::Mat& image_u8, int width, int height, PilFilter filter);

/// The size torchvision's Resize(side) gives a width x height image: the shorter side becomes
/// `side`, the longer int(side * longer / shorter) (truncated). Returns {width, height}.
cv::Size shorter_side_size(int width, int height, int side);

/// torchvision's Resize(resize) then CenterCrop(crop) on a PIL image, the input of
/// make_imagenet_c.py (resize 256, crop 224; corruptions-imagenet-c.md 0.1): Pillow BILINEAR
/// to shorter_side_size, then the crop x crop window at offsets int(round((h - crop) / 2)),
/// int(round((w - crop) / 2)) with Python 3's round-half-even. dign::Error unless
/// 1 <= crop <= resize. uint8, any channel count; a new image.
cv::Mat imagenet_eval_crop(const cv::Mat& image_u8, int resize, int crop);

}  // namespace dign::data
