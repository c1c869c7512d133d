#pragma once
// Random resized crop: a crop of random area and aspect ratio, resized to a
// square of side `size` (bilinear). torchvision's RandomResizedCrop defaults;
// dign applies it to stored images larger than the model's input (datasets read
// with --image-size, stored at 8/7 of it, as ImageNet's 256 -> 224).
// Stored bytes are resized as bytes (OpenCV's 8-bit bilinear, rounded), as
// torchvision does on PIL images; floats are resized as floats.
//
//   RandomResizedCrop crop(RandomResizedCropOptions(/*size=*/64));
#include <cstdint>
#include <string>

#include "augment/transform.h"
#include "core/arg.h"

namespace dign::augment {

struct RandomResizedCropOptions {
  explicit RandomResizedCropOptions(int64_t size) : size_(size) {}
  /// Output side length, >= 1 (the model's input size).
  DIGN_ARG(int64_t, size);
  /// Range of the crop's area as a fraction of the image's, 0 < min <= max <= 1.
  /// Default: 0.08 to 1 (torchvision).
  DIGN_ARG(double, scale_min) = 0.08;
  DIGN_ARG(double, scale_max) = 1.0;
  /// Range of the crop's aspect ratio width / height, drawn log-uniformly, 0 < min <= max.
  /// Default: 3/4 to 4/3 (torchvision).
  DIGN_ARG(double, ratio_min) = 3.0 / 4.0;
  DIGN_ARG(double, ratio_max) = 4.0 / 3.0;
  /// Draws of (area, ratio) before the fallback, the central square, >= 0.
  /// Default: 10 (torchvision, whose fallback for square images is the same).
  DIGN_ARG(int64_t, attempts) = 10;

 public:
  /// dign::Error naming the field when out of range.
  void validate() const;
};

class RandomResizedCrop final : public Transform {
 public:
  explicit RandomResizedCrop(RandomResizedCropOptions options);
  std::string name() const override { return "resized_crop"; }
  /// Per attempt: area fraction, then log-ratio (uniform); on the first crop that
  /// fits, its top row, then its left column (rng.below). Then the resize.
  void apply(Image& image, SampleRng& rng) const override;
  const RandomResizedCropOptions& options() const noexcept { return options_; }

 private:
  RandomResizedCropOptions options_;
};

}  // namespace dign::augment
