#pragma once
// The corruptions of CIFAR-10-C / CIFAR-100-C, Tiny-ImageNet-C and ImageNet-C (Hendrycks &
// Dietterich, 2019), natively: each works on what those datasets store, a uint8
// HxWx3 RGB image, with a severity 1-5 and a random source seeded per image, and
// returns a uint8 image of the same size. Algorithms and severity parameters
// follow the original generator (see docs/corruptions.md for every deviation).
// LibTorch-free: evaluation converts to the model's float [0,1] contract later.
//
//   const auto& c = find_corruption("glass_blur");
//   Rng rng(image_seed(seed, c.name, severity, index));
//   cv::Mat out = c.apply(rgb, severity, rng, Context{});
#include <opencv2/core.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "corrupt/rng.h"

namespace dign::corrupt {

/// Which parameter table: CIFAR-10/100-C (32x32, make_cifar_c.py), Tiny-ImageNet-C (64x64,
/// make_tinyimagenet_c.py) or ImageNet-C (224x224, make_imagenet_c.py).
enum class Table { kCifar, kTiny, kImageNet };

/// Everything a corruption may need beyond the image.
struct Context {
  Table table = Table::kCifar;
  /// The original frost photographs (frost1.png ... frost5.jpg, RGB uint8), when the
  /// user gave --frost-dir; empty = the procedural frost texture.
  const std::vector<cv::Mat>* frost_images = nullptr;
};

/// rgb: CV_8UC3, RGB order, any size. severity: 1..5. Returns CV_8UC3 of the same size.
using CorruptFn = cv::Mat (*)(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);

struct Corruption {
  std::string name;    ///< the CIFAR-10-C file stem, e.g. "gaussian_noise"
  std::string family;  ///< noise | blur | weather | digital
  bool benchmark;      ///< one of the paper's 15 (false: speckle, gaussian blur, spatter, saturate)
  CorruptFn apply;
};

}  // namespace dign::corrupt
