#pragma once
// What the training data fixes about a model, whatever its architecture: the number of
// classes, the per-channel normalization applied inside it and the size of its images.
// LibTorch-free.
#include <array>
#include <cstdint>
#include <memory>

#include "core/arg.h"

namespace dign::models {

/// One value per RGB channel.
using ChannelValues = std::array<double, 3>;

struct ModelData {
  /// Number of output classes. Default: 10 (CIFAR-10).
  DIGN_ARG(int64_t, num_classes) = 10;
  /// Per-channel mean and standard deviation of the training set, in [0, 1] units.
  DIGN_ARG(ChannelValues, mean) = {0.5, 0.5, 0.5};
  DIGN_ARG(ChannelValues, std) = {0.25, 0.25, 0.25};
  /// Side of the square training images in pixels; 0 = not recorded (model records of dign
  /// 0.2 and earlier). Architectures choose by it (ResNet-18's stem "auto") and check that
  /// they fit it. Default: 0.
  DIGN_ARG(int64_t, image_size) = 0;
};

class ClassifierImpl;  // classifier.h (LibTorch)
using Classifier = std::shared_ptr<ClassifierImpl>;

}  // namespace dign::models
