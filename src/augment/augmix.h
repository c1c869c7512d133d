#pragma once
// AugMix (Hendrycks et al. 2020; the paper's Eq. 5 augmentation): `width` chains of 1-3
// operations drawn from AugMix's set (augmix_ops.h), each starting from the image, mixed with
// Dirichlet(1) weights, then mixed with the image itself with a Beta(1,1) weight:
//   x_aug = (1 - m) x + m sum_i w_i chain_i(x).
// The chains run on uint8 images as Pillow's do; the mixing is in float. An image that is
// already float (after --augment jitter or rotate) enters the chains rounded to uint8 (the
// paper's code truncates, darkening by up to 1/255 per operation) and the mix with its own
// floats. The output is float and stays in [0,1] (a convex combination).
//
// Severity: the paper's code draws it per image from U{1..10}, shared by the image's chains
// (severity 0 here, the default); AugMix's own code fixes 3.
//
//   AugMix augmix(AugMixOptions().severity(3));
//   augmix.apply(image, rng);  // draws: severity, weights, m, then each chain's depth and ops
#include <cstdint>
#include <string>

#include "augment/transform.h"
#include "core/arg.h"

namespace dign::augment {

struct AugMixOptions {
  /// Operation strength in 1..10, or 0 to draw it per image from U{1..10}.
  /// Default: 0 (the paper's code; AugMix's own is 3).
  DIGN_ARG(int64_t, severity) = 0;
  /// Add colour, contrast, brightness and sharpness to the 9 CIFAR operations (they overlap
  /// CIFAR-10-C's corruptions). Default: false (AugMix and the paper).
  DIGN_ARG(bool, all_ops) = false;
  /// Chains mixed. Default: 3 (AugMix and the paper).
  DIGN_ARG(int64_t, width) = 3;
  /// Operations per chain, or 0 to draw it per chain from U{1,2,3}. Default: 0.
  DIGN_ARG(int64_t, depth) = 0;

 public:
  /// dign::Error naming the field when out of range.
  void validate() const;
};

class AugMix final : public Transform {
 public:
  explicit AugMix(AugMixOptions options = {});
  std::string name() const override { return "augmix"; }
  /// Replaces `image` (square, any size) with its AugMix mixture, as floats.
  void apply(Image& image, SampleRng& rng) const override;
  const AugMixOptions& options() const noexcept { return options_; }

 private:
  AugMixOptions options_;
};

/// AugMax's unmixed chains (AugMax's augmentation before its mixing weights are searched): the
/// image's `width` chains, each from the image with one severity per image as AugMix's,
/// returned as floats stacked top to bottom, a (width * size) x size image. Draws: severity,
/// then each chain's depth and operations.
class AugMixChains final : public Transform {
 public:
  explicit AugMixChains(AugMixOptions options = {});
  std::string name() const override { return "augmix_chains"; }
  void apply(Image& image, SampleRng& rng) const override;
  const AugMixOptions& options() const noexcept { return options_; }

 private:
  AugMixOptions options_;
};

}  // namespace dign::augment
