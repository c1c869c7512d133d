#pragma once
// The options of ResNet-18 (resnet.h): the CIFAR form the paper trains on CIFAR-10/100 and its
// Tiny-ImageNet form (resnet18_64 of the paper's code: a 7x7 stride-2 stem). LibTorch-free, so
// that config.json and checkpoint records are checked before any tensor exists.
#include <cstdint>
#include <string>

#include "core/arg.h"
#include "core/error.h"
#include "models/model_data.h"

namespace dign::models {

/// The side from which "auto" picks the Tiny-ImageNet stem.
constexpr int64_t kTinyStemFromImageSize = 64;

/// The stem of the ResNet-18 family: "cifar" (3x3 stride-1 conv, no max-pool), "tiny" (7x7
/// stride-2 conv padded by 3, no max-pool: the paper's code for 64x64 inputs) or "auto": "tiny"
/// from 64 px up, "cifar" below and when the image size is not recorded (model records of dign
/// 0.2 and earlier, which knew only the CIFAR stem, keep building it).
inline std::string resolve_stem(const std::string& stem, int64_t image_size) {
  if (stem != "auto") return stem;
  return image_size >= kTinyStemFromImageSize ? "tiny" : "cifar";
}

/// The normalisation of the ResNet-18 family: "bn" (BatchNorm everywhere: the paper's, AugMax
/// as the paper's code runs it included) or "dubin" (the original AugMax's ResNet18_DuBIN,
/// models/dual_norm.h: DuBIN as bn1 of every block of stages 1-3, a dual BatchNorm everywhere
/// else; only --method augmax routes images through its auxiliary BatchNorms). Records without
/// it (before --norm) read as "bn".
inline constexpr const char* kNormHelp =
    "bn (BatchNorm: the paper's, its AugMax included) or dubin (the original AugMax's DuBIN: "
    "instance + dual BatchNorm, the auxiliary one for AugMax images; --method augmax only)";

/// The help of --stem (resolve_stem), shared by the ResNet-18 family.
inline constexpr const char* kStemHelp =
    "auto (cifar below 64 px, tiny from 64 px), cifar (3x3/1) or tiny (7x7/2, the paper's "
    "Tiny-ImageNet model)";

/// dign::OptionError ("norm") unless `norm` is bn or dubin.
inline void validate_norm(const std::string& norm) {
  DIGN_CHECK_OPTION(norm == "bn" || norm == "dubin", "norm", "expected bn or dubin, got '", norm,
                    "'");
}

/// dign::OptionError ("stem") unless `stem` is auto, cifar or tiny.
inline void validate_stem(const std::string& stem) {
  DIGN_CHECK_OPTION(stem == "auto" || stem == "cifar" || stem == "tiny", "stem",
                    "expected auto, cifar or tiny, got '", stem, "'");
}

struct ResNet18Options {
  static constexpr const char* kName = "resnet18";
  static constexpr const char* kSummary =
      "ResNet-18 (He et al.), the paper's CIFAR form (3x3 stem, no max-pool) or its "
      "Tiny-ImageNet form (7x7/2 stem), by --stem";
  /// Trainable parameters at the paper's width for 10 classes with the CIFAR stem (He et al.'s
  /// ResNet-18 for CIFAR-10; baselines.md section 9): checked by a test. The 7x7 stem adds
  /// 64 * 3 * (49 - 9) = 7,680.
  static constexpr int64_t kReferenceParameters = 11'173'962;
  /// Width of the first stage; later stages double it. Default: 64 (the paper's ResNet-18).
  DIGN_ARG(int64_t, width) = 64;
  /// The stem (resolve_stem). Default: auto (CIFAR below 64 px, Tiny-ImageNet from 64 px).
  DIGN_ARG(std::string, stem) = "auto";
  /// The normalisation (kNormHelp). Default: bn (the paper's).
  DIGN_ARG(std::string, norm) = "bn";

 public:
  template <typename Visit>
  void fields(Visit&& visit) {
    visit("width", width_, "channels of the first stage (later stages double it; 64 = paper)");
    visit("stem", stem_, kStemHelp);
    visit("norm", norm_, kNormHelp);
  }
  /// The bound keeps a hostile file from asking for a huge model.
  void validate() const {
    DIGN_CHECK_OPTION(width() >= 1 && width() <= 4096, "width", "expected 1 to 4096, got ",
                      width());
    validate_stem(stem());
    validate_norm(norm());
  }
  /// Any size fits: a padded convolution or pooling never maps a side to 0 and the final
  /// pooling is adaptive (the paper's fixed 4x4 pool is the same at 32 px with the CIFAR stem
  /// and at 64 px with the Tiny-ImageNet one).
  void check_image_size(int64_t /*side*/) const {}
};

/// Builds the network (resnet.cpp).
Classifier make_classifier(const ResNet18Options& options, const ModelData& data);

}  // namespace dign::models
