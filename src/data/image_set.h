#pragma once
// The in-memory image contract shared by every reader: uint8 RGB, HWC, one
// contiguous buffer (as CIFAR-10-C stores images). No LibTorch here, so the
// readers that parse outside files build and fuzz without it.
#include <cstdint>
#include <string>
#include <vector>

namespace dign::data {

struct ImageSet {
  int64_t height = 0;
  int64_t width = 0;
  /// size * height * width * 3 bytes, image after image, RGB, row-major.
  std::vector<uint8_t> pixels;
  /// One label per image, in [0, class_names.size()).
  std::vector<int64_t> labels;
  /// Human-readable class names (folder names, wnids, or CIFAR's names).
  std::vector<std::string> class_names;
  /// Where each image came from (file path, or "file#index" for batches);
  /// used in error messages. May be empty for generated data.
  std::vector<std::string> sources;

  int64_t size() const { return static_cast<int64_t>(labels.size()); }
  int64_t num_classes() const { return static_cast<int64_t>(class_names.size()); }
  int64_t image_bytes() const { return height * width * 3; }
  const uint8_t* image(int64_t i) const { return pixels.data() + i * image_bytes(); }
  uint8_t* image(int64_t i) { return pixels.data() + i * image_bytes(); }
};

/// A dataset as readers return it: a training and a test split.
struct Dataset {
  std::string name;    ///< "cifar10", "cifar100", "imagefolder", "tiny-imagenet", "synthetic"
  std::string format;  ///< the reader that produced it
  std::string path;    ///< what the user passed as --data
  ImageSet train;
  ImageSet test;
};

}  // namespace dign::data
