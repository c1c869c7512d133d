#pragma once
// The options of ResNet-18 in its CIFAR form (resnet.h). LibTorch-free, so that config.json
// and checkpoint records are checked before any tensor exists.
#include <cstdint>

#include "core/arg.h"
#include "core/error.h"
#include "models/model_data.h"

namespace dign::models {

struct ResNet18Options {
  static constexpr const char* kName = "resnet18";
  static constexpr const char* kSummary =
      "ResNet-18, CIFAR form (3x3 stem, no max-pool); any input size (32x32, 64x64)";
  /// Trainable parameters at the paper's width for 10 classes (He et al.'s ResNet-18 for
  /// CIFAR-10; baselines.md): checked by a test.
  static constexpr int64_t kReferenceParameters = 11'173'962;
  /// Width of the first stage; later stages double it. Default: 64 (the paper's ResNet-18).
  DIGN_ARG(int64_t, width) = 64;

 public:
  template <typename Visit>
  void fields(Visit&& visit) {
    visit("width", width_, "channels of the first stage (later stages double it; 64 = paper)");
  }
  /// The bound keeps a hostile file from asking for a huge model.
  void validate() const {
    DIGN_CHECK_OPTION(width() >= 1 && width() <= 4096, "width", "expected 1 to 4096, got ",
                      width());
  }
};

/// Builds the network (resnet.cpp).
Classifier make_classifier(const ResNet18Options& options, const ModelData& data);

}  // namespace dign::models
