#pragma once
// The options of DenseNet-121 in the CIFAR form the paper's code builds (densenet.py, after
// kuangliu/pytorch-cifar; baselines.md section 9): growth rate 12 there (1.0M parameters), not
// Huang et al.'s 32 (7.0M, --growth-rate 32). The network is densenet.cpp's. LibTorch-free.
#include <cstdint>

#include "core/arg.h"
#include "core/error.h"
#include "models/model_data.h"

namespace dign::models {

struct DenseNet121Options {
  static constexpr const char* kName = "densenet121";
  static constexpr const char* kSummary =
      "DenseNet-121, CIFAR form as the paper's code (3x3 stem, blocks 6-12-24-16, growth rate "
      "12; --growth-rate 32 for the standard one)";
  /// Trainable parameters at growth rate 12 for 10 classes (baselines.md section 9; 6,956,298
  /// at growth rate 32): checked by a test.
  static constexpr int64_t kReferenceParameters = 1'000'618;
  /// Channels each dense layer adds (k); the stem has 2k, a bottleneck 4k. Default: 12 (the
  /// paper's code; Huang et al.'s DenseNet-121 has 32).
  DIGN_ARG(int64_t, growth_rate) = 12;

 public:
  template <typename Visit>
  void fields(Visit&& visit) {
    visit("growth_rate", growth_rate_,
          "channels each dense layer adds (12 = the paper's code; 32 = Huang et al.'s)");
  }
  /// The bound keeps a hostile file from asking for a huge model (256: about 445M parameters).
  void validate() const {
    DIGN_CHECK_OPTION(growth_rate() >= 1 && growth_rate() <= 256, "growth_rate",
                      "expected 1 to 256, got ", growth_rate());
  }
  /// Smallest side: three transitions each average-pool 2x2 (rounding down), so a side below
  /// 8 pools to nothing. (The final pooling is adaptive; the paper's fixed 4x4 pool is the same
  /// at 32x32 and breaks at any other size from 40 px up.)
  static constexpr int64_t kMinImageSize = 8;
  void check_image_size(int64_t side) const {
    DIGN_CHECK_OPTION(side >= kMinImageSize, "image_size", kName,
                      " needs images of at least 8x8 (its three 2x2 average pools), got ", side,
                      "x", side);
  }
};

/// Builds the network (densenet.cpp).
Classifier make_classifier(const DenseNet121Options& options, const ModelData& data);

}  // namespace dign::models
