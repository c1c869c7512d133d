#pragma once
// Random crop of the image's own size from the image zero-padded on every side:
// a random shift of up to `padding` pixels with zero fill. The paper's crop
// (Section 4, Training Details), torchvision's RandomCrop(32, padding=4).
//
//   RandomCrop crop(RandomCropOptions().padding(4));
#include <cstdint>
#include <string>

#include "augment/transform.h"
#include "core/arg.h"

namespace dign::augment {

struct RandomCropOptions {
  /// Zero padding on each side, >= 0. Default: 4 (paper; torchvision RandomCrop(padding=4)).
  DIGN_ARG(int64_t, padding) = 4;

 public:
  /// dign::Error naming the field when out of range.
  void validate() const;
};

class RandomCrop final : public Transform {
 public:
  explicit RandomCrop(RandomCropOptions options = {});
  /// "crop", as --augment spells it.
  std::string name() const override { return "crop"; }
  /// Draws the row offset, then the column offset, each uniform in [-padding, padding].
  void apply(Image& image, SampleRng& rng) const override;
  const RandomCropOptions& options() const noexcept { return options_; }

 private:
  RandomCropOptions options_;
};

}  // namespace dign::augment
