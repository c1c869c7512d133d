#pragma once
// The training transforms --augment selects, as config.json stores them
// ("crop,flip,jitter,rotate", any subset, or "none"), built for one dataset:
//   - stored images larger than the model's input `out`: RandomResizedCrop to
//     `out` first, instead of the listed crop (whatever the list says);
//   - stored images smaller than `out`: Pad on the right and bottom to `out`, then
//     the listed crop (dign's behaviour so far, kept for bitwise reproducibility);
//   - then the listed transforms in the fixed order crop, flip, jitter, rotate,
//     with the paper's parameters (RandomCrop padding 4, flip p 0.5, jitter 0.25,
//     rotation 2 degrees).
//
//   const Compose transforms = training_transforms("crop,flip", 32, 32, /*out=*/32);
//   Image image = from_uint8(set.image(i), 32, 32);
//   transforms.apply(image, rng);
//   to_float_chw(image, dst);  // float [3, 32, 32]
#include <cstdint>
#include <string>
#include <vector>

#include "augment/transform.h"

namespace dign::augment {

/// The items --augment accepts, in the order the transforms run: crop, flip, jitter, rotate.
const std::vector<std::string>& augment_items();

/// The items of a comma-separated list, validated, deduplicated and in the order of
/// augment_items(); "none" and empty items are skipped. dign::OptionError for `field`,
/// the bad item and the valid ones for an unknown item.
std::vector<std::string> parse_augment_list(const std::string& list,
                                            const std::string& field = "augment");

/// The canonical list form config.json stores: items joined with ',', or "none".
std::string to_list(const std::vector<std::string>& items);

/// The transforms for images stored as stored_height x stored_width, producing
/// out x out (see the top of this file). dign::OptionError for `field` for a bad
/// list, or for sizes below 1.
Compose training_transforms(const std::string& list, int64_t stored_height, int64_t stored_width,
                            int64_t out, const std::string& field = "augment");

}  // namespace dign::augment
