#pragma once
// Frost overlays for the frost corruption: the original photographs (when the user has
// them: --frost-dir) or a procedural stand-in with the same statistics.
//
//   std::vector<cv::Mat> photos = load_frost_images("/data/frost");  // frost1..frost5, RGB
//   Context context{Table::kCifar, &photos};
#include <opencv2/core.hpp>

#include <string>
#include <vector>

#include "corrupt/corruption.h"

namespace dign::corrupt {

/// Reads frost1.png, frost2.png, frost3.png, frost4.jpg, frost5.jpg from `dir` (the five the
/// original draws from; frost6.jpg is never used) as RGB CV_8UC3, in that order.
/// dign::Error naming the file when one is missing or unreadable.
std::vector<cv::Mat> load_frost_images(const std::string& dir);

/// The original resizes the photographs by 0.2 for CIFAR and 0.3 for Tiny-ImageNet; ImageNet-C
/// crops them at their native size (1.0).
double frost_scale(Table table);

/// A procedural stand-in for photograph `index` (0..4 = frost1..frost5) after the resize
/// of `table`: CV_8UC3 RGB of the resized photograph's size (e.g. 120x180 for frost1 and
/// CIFAR, 600x900 for ImageNet), with its per-channel mean and spread, skew and spatial
/// frequency content.
/// Deterministic in `rng`.
cv::Mat procedural_frost(int index, Table table, Rng& rng);

/// The seed of the fixed procedural overlay `index` that frost uses for `table` (the same for
/// every image and run, like the original's photographs).
uint64_t procedural_overlay_seed(int index, Table table);

}  // namespace dign::corrupt
