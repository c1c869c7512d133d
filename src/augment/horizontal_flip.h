#pragma once
// Mirrors the image left-right with probability p: the paper's flip (Section 4,
// Training Details), torchvision's RandomHorizontalFlip(p=0.5).
//
//   HorizontalFlip flip(HorizontalFlipOptions().p(0.5));
#include <string>

#include "augment/transform.h"
#include "core/arg.h"

namespace dign::augment {

struct HorizontalFlipOptions {
  /// Probability of a flip, in [0, 1]. Default: 0.5 (paper; torchvision).
  DIGN_ARG(double, p) = 0.5;

 public:
  /// dign::Error naming the field when out of range.
  void validate() const;
};

class HorizontalFlip final : public Transform {
 public:
  explicit HorizontalFlip(HorizontalFlipOptions options = {});
  /// "flip", as --augment spells it.
  std::string name() const override { return "flip"; }
  /// One draw, rng.bernoulli(p), then an in-place mirror of bytes or floats.
  void apply(Image& image, SampleRng& rng) const override;
  const HorizontalFlipOptions& options() const noexcept { return options_; }

 private:
  HorizontalFlipOptions options_;
};

}  // namespace dign::augment
