#pragma once
// The options of ResNet-50 as torchvision builds it (v1.5: the stride on the bottleneck's 3x3
// conv), the paper's ImageNette model at 224x224 (§4). The paper's wrapper always built 10
// classes; here the number of classes is the data's. The network is resnet.h's with
// resnet50.cpp's bottleneck. LibTorch-free.
#include <cstdint>

#include "core/arg.h"
#include "core/error.h"
#include "models/model_data.h"

namespace dign::models {

struct ResNet50Options {
  static constexpr const char* kName = "resnet50";
  static constexpr const char* kSummary =
      "ResNet-50 v1.5 (torchvision: 7x7/2 stem + max-pool, bottlenecks with the stride on the "
      "3x3), the paper's ImageNette model for 224x224 inputs";
  /// Trainable parameters at width 64 for 10 classes (torchvision's 25,557,032 at 1000
  /// classes, less 2049 * 990; baselines.md section 9): checked by a test.
  static constexpr int64_t kReferenceParameters = 23'528'522;
  /// Planes of the first stage's bottlenecks (and the stem's channels); later stages double
  /// them, each bottleneck outputs 4x its planes. Default: 64 (torchvision's).
  DIGN_ARG(int64_t, width) = 64;

 public:
  template <typename Visit>
  void fields(Visit&& visit) {
    visit("width", width_,
          "planes of the first stage's bottlenecks (later stages double them; 64 = "
          "torchvision's)");
  }
  /// The bound keeps a hostile file from asking for a huge model.
  void validate() const {
    DIGN_CHECK_OPTION(width() >= 1 && width() <= 4096, "width", "expected 1 to 4096, got ",
                      width());
  }
  /// Any size fits: the padded convolutions and max-pool map a side s to ceil(s / 2), never
  /// to 0, and the final pooling is adaptive (at 32x32 the last stage sees 1x1 maps).
  void check_image_size(int64_t /*side*/) const {}
};

/// Builds the network (resnet50.cpp).
Classifier make_classifier(const ResNet50Options& options, const ModelData& data);

}  // namespace dign::models
