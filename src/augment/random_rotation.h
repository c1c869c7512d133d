#pragma once
// Rotation by a random angle in [-degrees, degrees] about the image centre: the
// paper's rotation of 2 degrees (Section 4, Training Details). Nearest-neighbour
// (torchvision RandomRotation's default) with zero fill, as dign's code has
// always done (the README once said bilinear). Converts the image to floats.
//
//   RandomRotation rotate(RandomRotationOptions().degrees(2));
#include <string>

#include "augment/transform.h"
#include "core/arg.h"

namespace dign::augment {

struct RandomRotationOptions {
  /// Largest rotation in degrees, in [0, 180]. Default: 2 (paper).
  DIGN_ARG(double, degrees) = 2.0;

 public:
  /// dign::Error naming the field when out of range.
  void validate() const;
};

class RandomRotation final : public Transform {
 public:
  explicit RandomRotation(RandomRotationOptions options = {});
  /// "rotate", as --augment spells it.
  std::string name() const override { return "rotate"; }
  /// One draw, the angle (uniform), then cv::warpAffine of the floats.
  void apply(Image& image, SampleRng& rng) const override;
  const RandomRotationOptions& options() const noexcept { return options_; }

 private:
  RandomRotationOptions options_;
};

}  // namespace dign::augment
