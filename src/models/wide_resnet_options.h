#pragma once
// The options of the paper's Wide-ResNet-18 (§4; resnet18wide of its code): ResNet-18 with
// every stage's width multiplied by 5, 320-640-1280-2560 channels, 279M parameters. Not
// Zagoruyko & Komodakis' pre-activation WRN. The network is resnet.h's. LibTorch-free.
#include <array>
#include <cmath>
#include <cstdint>
#include <string>

#include "core/arg.h"
#include "core/error.h"
#include "models/model_data.h"
#include "models/resnet_options.h"

namespace dign::models {

struct WideResNet18Options {
  static constexpr const char* kName = "wrn18";
  static constexpr const char* kSummary =
      "the paper's Wide-ResNet-18: ResNet-18 at 5x width (320-640-1280-2560), "
      "--width-multiplier for a narrower one, --stem as resnet18";
  /// Trainable parameters at multiplier 5 for 10 classes with the CIFAR stem (baselines.md
  /// section 9): checked by a test.
  static constexpr int64_t kReferenceParameters = 279'019'850;
  /// Multiplies ResNet-18's stage widths 64-128-256-512, each rounded down as the paper's code
  /// (int(w * wm)). Default: 5 (the paper's). 0.25 gives 16-32-64-128, a CPU-sized network.
  DIGN_ARG(double, width_multiplier) = 5.0;
  /// As ResNet18Options::stem. Default: auto.
  DIGN_ARG(std::string, stem) = "auto";
  /// As ResNet18Options::norm. Default: bn.
  DIGN_ARG(std::string, norm) = "bn";

 public:
  template <typename Visit>
  void fields(Visit&& visit) {
    visit("width_multiplier", width_multiplier_,
          "stage widths 64-128-256-512 times this, rounded down (5 = paper: 320-640-1280-2560)");
    visit("stem", stem_, kStemHelp);
    visit("norm", norm_, kNormHelp);
  }
  /// From 1/64 (a first stage of 1 channel) to 64 (4096 channels, resnet18's bound): the bound
  /// keeps a hostile file from asking for a huge model.
  void validate() const {
    DIGN_CHECK_OPTION(std::isfinite(width_multiplier()) && width_multiplier() >= 1.0 / 64 &&
                          width_multiplier() <= 64,
                      "width_multiplier", "expected 0.015625 (1/64) to 64, got ",
                      width_multiplier());
    validate_stem(stem());
    validate_norm(norm());
  }
  /// Any size fits, as ResNet18Options::check_image_size.
  void check_image_size(int64_t /*side*/) const {}
  /// The four stage widths: floor(64 * 2^s * multiplier), as the paper's int(w * wm).
  std::array<int64_t, 4> stage_widths() const {
    std::array<int64_t, 4> widths{};
    for (size_t s = 0; s < widths.size(); ++s) {
      widths[s] =
          static_cast<int64_t>(std::floor(static_cast<double>(64 << s) * width_multiplier()));
    }
    return widths;
  }
};

/// Builds the network (wide_resnet.cpp).
Classifier make_classifier(const WideResNet18Options& options, const ModelData& data);

}  // namespace dign::models
