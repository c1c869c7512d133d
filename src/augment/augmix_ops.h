#pragma once
// AugMix's image operations (Hendrycks et al. 2020; the paper's set A, Section 2) on uint8
// RGB images, computed as Pillow computes them, because AugMix's chains run on Pillow images:
// every operation bit for bit in the augmix_oracle test against Pillow 9.4: the lookup-table
// ones (autocontrast, equalize, posterize, solarize), the affine ones (rotate, shear,
// translate: Pillow's bilinear sampling at pixel centres, zero outside the image, truncated
// to uint8) and the enhance ones (colour, contrast, brightness, sharpness: single-precision
// blends as Pillow's). Each operation has two halves: the draw of its parameter
// from a severity (AugMix's level ~ U(0.1, severity) and a random sign), and its application
// with that parameter, so tests can compare the application with Pillow's.
//
//   SampleRng rng(seed);
//   const AugMixOp op = AugMixOp::kRotate;
//   const double degrees = sample_op_parameter(op, /*severity=*/3, /*image_size=*/32, rng);
//   apply_op(op, degrees, hwc, 32, 32);  // in place, uint8 [32, 32, 3]
#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.h"

namespace dign::augment {

enum class AugMixOp {
  // The 9 CIFAR operations (AugMix's `augmentations`, the paper's set A).
  kAutocontrast,
  kEqualize,
  kPosterize,
  kSolarize,
  kRotate,
  kShearX,
  kShearY,
  kTranslateX,
  kTranslateY,
  // Added by --augmix-all-ops (AugMix's `augmentations_all`): they overlap the corruptions of
  // CIFAR-10-C, which is why AugMix leaves them out.
  kColor,
  kContrast,
  kBrightness,
  kSharpness,
};

/// The 9 operations of AugMix's CIFAR list, in its order; with `all_ops` the 4 enhance
/// operations after them.
const std::vector<AugMixOp>& augmix_ops(bool all_ops);

/// "autocontrast", "equalize", "posterize", "solarize", "rotate", "shear_x", "shear_y",
/// "translate_x", "translate_y", "color", "contrast", "brightness", "sharpness".
std::string op_name(AugMixOp op);

/// Draws the operation's parameter as AugMix does: level ~ U(0.1, severity), then
///   posterize: bits kept, 4 - int(level * 4 / 10)
///   solarize: threshold, 256 - int(level * 256 / 10)
///   rotate: degrees, int(level * 30 / 10), negated with probability 1/2
///   shear_x / shear_y: factor, level * 0.3 / 10, negated with probability 1/2
///   translate_x / translate_y: pixels, int(level * (image_size / 3) / 10), negated with
///     probability 1/2
///   color / contrast / brightness / sharpness: enhance factor, level * 1.8 / 10 + 0.1
///   autocontrast / equalize: 0 (no parameter; the level is drawn all the same)
/// Draws, in order: the level (one uniform), then the sign (one uniform, negative when > 0.5)
/// for the signed operations only.
double sample_op_parameter(AugMixOp op, double severity, int64_t image_size, SampleRng& rng);

/// Applies `op` with `parameter` (as sample_op_parameter returns it) to `hwc`, uint8
/// [height, width, 3] RGB, in place, as Pillow does:
///   autocontrast  ImageOps.autocontrast(image): each channel stretched from its lowest and
///                 highest values to 0..255 (unchanged when they are equal)
///   equalize      ImageOps.equalize(image), per channel
///   posterize     ImageOps.posterize(image, bits)
///   solarize      ImageOps.solarize(image, threshold): values >= threshold inverted
///   rotate        image.rotate(degrees, resample=BILINEAR): counter-clockwise about
///                 (width / 2, height / 2)
///   shear_x       image.transform(size, AFFINE, (1, k, 0, 0, 1, 0), resample=BILINEAR)
///   shear_y       ... (1, 0, 0, k, 1, 0)
///   translate_x   ... (1, 0, t, 0, 1, 0)
///   translate_y   ... (1, 0, 0, 0, 1, t)
///   color, contrast, brightness, sharpness
///                 ImageEnhance.<Name>(image).enhance(factor)
void apply_op(AugMixOp op, double parameter, uint8_t* hwc, int64_t height, int64_t width);

}  // namespace dign::augment
