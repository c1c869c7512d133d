#pragma once
// Zero padding by a fixed number of pixels on each side, torchvision's
// Pad([left, top, right, bottom], fill=0). No randomness.
//
// training_transforms uses it for stored images smaller than the model's input,
// which dign has always placed at the top-left of a zero canvas.
#include <cstdint>
#include <string>

#include "augment/transform.h"
#include "core/arg.h"

namespace dign::augment {

struct PadOptions {
  /// Pixels added on each side, each >= 0. Default: 0.
  DIGN_ARG(int64_t, left) = 0;
  DIGN_ARG(int64_t, top) = 0;
  DIGN_ARG(int64_t, right) = 0;
  DIGN_ARG(int64_t, bottom) = 0;

 public:
  /// dign::Error naming the field when out of range.
  void validate() const;
};

class Pad final : public Transform {
 public:
  explicit Pad(PadOptions options = {});
  std::string name() const override { return "pad"; }
  void apply(Image& image, SampleRng& rng) const override;
  const PadOptions& options() const noexcept { return options_; }

 private:
  PadOptions options_;
};

}  // namespace dign::augment
