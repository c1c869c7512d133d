#pragma once
// Colour jitter of brightness, contrast and saturation, in a random order: the
// paper's jitter 0.25 (Section 4, Training Details), torchvision's
// ColorJitter(0.25, 0.25, 0.25) on [0,1] floats. Converts the image to floats.
//
//   ColorJitter jitter(ColorJitterOptions().brightness(0.25).contrast(0.25).saturation(0.25));
#include <string>

#include "augment/transform.h"
#include "core/arg.h"

namespace dign::augment {

struct ColorJitterOptions {
  /// Each factor is drawn from U(1 - s, 1 + s); s in [0, 1]; s = 0 leaves that property
  /// unchanged (factor 1), but its factor is still drawn, so the draws stay in step.
  /// Default: 0.25 each (paper).
  DIGN_ARG(double, brightness) = 0.25;
  DIGN_ARG(double, contrast) = 0.25;
  DIGN_ARG(double, saturation) = 0.25;

 public:
  /// dign::Error naming the field when out of range.
  void validate() const;
};

class ColorJitter final : public Transform {
 public:
  explicit ColorJitter(ColorJitterOptions options = {});
  /// "jitter", as --augment spells it.
  std::string name() const override { return "jitter"; }
  /// Draws the brightness, contrast and saturation factors, then their order (a
  /// Fisher-Yates shuffle), and applies them, clamping to [0, 1] after each.
  void apply(Image& image, SampleRng& rng) const override;
  const ColorJitterOptions& options() const noexcept { return options_; }

 private:
  ColorJitterOptions options_;
};

}  // namespace dign::augment
