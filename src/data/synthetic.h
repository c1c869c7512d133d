#pragma once
// `--data synthetic`: a built-in, procedurally generated 10-class colour image
// dataset, the default demo and test data (no download, fully deterministic).
//
// Class = shape x fine texture: 5 shapes (disc, bar, triangle, ring, plus)
// each filled with fine stripes (period 2-3 px) running either horizontally or
// vertically, label = 2 * shape + texture. Half of every label lives in a
// texture only a pixel or two wide, as part of natural images' class evidence
// lives in fine texture and edges, so additive Gaussian noise (sigma 0.1-0.3)
// hurts a normally trained classifier much more than a noise-robust one.
// Nuisances: shape position, scale and rotation; shape colour drawn
// independently of the background but at RGB distance >= 0.35 from it (the
// outline is the coarse, noise-robust half of the label); a smooth colour
// gradient background with at most one blurred blob or thin line; stripe
// contrast 0.2-0.5 peak to peak (0.08-0.2 in 15% of images); mild pixel
// noise. No label noise.
//
// Image i of a split is a pure function of (seed, split, i): generation is
// counter-based, so any thread count and any split size give the same bytes.
//
// Intended usage:
// \code
//   dign::data::SyntheticOptions options;
//   options.seed = 7;
//   options.threads = 2;
//   dign::data::Dataset data = dign::data::make_synthetic(options);
//   // data.train: 5000 images of 32x32x3, labels i % 10; data.test: 1000.
// \endcode
#include <cstdint>

#include "data/image_set.h"

namespace dign::data {

struct SyntheticOptions {
  /// Number of training images, >= 1. Default: 5000.
  int64_t train_size = 5000;
  /// Number of test images, >= 1. Default: 1000.
  int64_t test_size = 1000;
  /// Height and width in pixels, in [16, 1024]; shapes scale with it, texture
  /// periods and line widths stay in pixels. Default: 32 (CIFAR's size).
  int64_t image_size = 32;
  /// Seeds every image; the test split uses a different stream. Default: 0.
  uint64_t seed = 0;
  /// Worker threads; the output does not depend on it. Default: 1.
  int threads = 1;

  /// Throws dign::Error naming the first field out of range.
  void validate() const;
};

/// Generates the train and test splits: name and format "synthetic", labels
/// i % 10 (balanced), class names such as "disc/horizontal-stripes".
/// Calls options.validate() first.
Dataset make_synthetic(const SyntheticOptions& options);

}  // namespace dign::data
