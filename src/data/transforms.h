#pragma once
// The paper's training pre-processing (Section 4, Training Details), in the
// order torchvision applies it: random crop with 4-pixel zero padding,
// horizontal flip, colour jitter 0.25 (brightness, contrast, saturation, in a
// random order), random rotation of +-2 degrees (nearest, zero fill).
// Stored images are uint8 HWC RGB; output is float CHW in [0,1].
// All randomness comes from the SampleRng passed in, seeded per
// (run seed, epoch, image index), so results do not depend on threads.
#include <cstdint>
#include <string>

#include "core/rng.h"

namespace dign::data {

struct AugmentOptions {
  /// Random crop after zero padding of `padding` pixels. Default: on, 4 (paper).
  bool crop = true;
  int64_t padding = 4;
  /// Horizontal flip with probability 1/2. Default: on (paper).
  bool flip = true;
  /// Colour jitter strength for brightness, contrast, saturation; 0 = off. Default: 0.25 (paper).
  double jitter = 0.25;
  /// Maximum rotation in degrees; 0 = off. Default: 2 (paper).
  double rotate_degrees = 2.0;
  /// Comma-separated list form, as in config.json: e.g. "crop,flip,jitter,rotate" or "none".
  std::string to_list() const;
};

/// Parses "crop,flip,jitter,rotate" (any subset, or "none"); dign::Error naming
/// `option` for an unknown item.
AugmentOptions parse_augment_list(const std::string& list, const std::string& option = "--augment");

/// Training transform of one image. src: uint8 [src_h, src_w, 3]; dst: float [3, out, out].
/// When the stored image is larger than `out` (datasets resized with --image-size),
/// a random resized crop (scale 0.08-1, ratio 3/4-4/3, as torchvision) replaces the padded crop.
void augment_image(const uint8_t* src, int64_t src_h, int64_t src_w, float* dst, int64_t out,
                   const AugmentOptions& options, SampleRng& rng);

/// Evaluation transform: uint8 HWC -> float CHW in [0,1], nothing else.
void to_float_chw(const uint8_t* src, int64_t h, int64_t w, float* dst);

}  // namespace dign::data
