#pragma once
// The residual networks, one implementation (He et al. 2016): a stem, four stages of residual
// blocks (the first block of stages 2-4 halves the map), global average pooling and a linear
// classifier. ResNet-18 (resnet_options.h) and the paper's Wide-ResNet-18
// (wide_resnet_options.h) stack basic blocks; ResNet-50 (resnet50_options.h) bottlenecks.
// The pooling is adaptive, so every variant takes any input size; where the paper's code pools
// a fixed 4x4 (32x32 with the CIFAR stem, 64x64 with the 7x7/2 one) it computes the same.
// ResNet-18's norm "dubin" builds AugMax's ResNet18_DuBIN (dual_norm.h) under the same names.
//
//   auto net = make_classifier(ResNet18Options().width(16), ModelData().num_classes(10));
//   auto logits = net->forward(images);  // images: [N,3,32,32] in [0,1]
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/classifier.h"
#include "models/dual_norm.h"
#include "models/resnet_options.h"

namespace dign::models {

/// A block of a residual stage.
class ResidualBlockImpl : public torch::nn::Module {
 public:
  /// x [N, in, h, w] -> [N, out, h', w'].
  virtual torch::Tensor forward(const torch::Tensor& x) = 0;
  /// Forward FLOPs (see ClassifierImpl::forward_flops) for an h x w input; h and w
  /// become the output's size.
  virtual double flops(int64_t& h, int64_t& w) const = 0;
};

/// The basic block: 3x3 conv (stride) - BN - ReLU - 3x3 conv - BN, plus the shortcut, ReLU.
/// `first` normalises after the first conv, `rest` after the second and on the shortcut.
class BasicBlockImpl : public ResidualBlockImpl {
 public:
  BasicBlockImpl(int64_t in_planes, int64_t planes, int64_t stride,
                 NormKind first = NormKind::batch, NormKind rest = NormKind::batch);
  torch::Tensor forward(const torch::Tensor& x) override;
  double flops(int64_t& h, int64_t& w) const override;

 private:
  int64_t stride_ = 1;
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::AnyModule bn1_, bn2_;
  torch::nn::Sequential shortcut_{nullptr};
};

/// The stem, before the first stage.
enum class ResNetStem {
  cifar,     ///< 3x3 stride-1 conv, no max-pool (the CIFAR ResNets)
  tiny,      ///< 7x7 stride-2 conv, no max-pool (the paper's code for 64x64 inputs)
  imagenet,  ///< 7x7 stride-2 conv, then a 3x3 stride-2 max-pool (torchvision)
};

/// "cifar" or "tiny" (a resolved stem name, resolve_stem) as a ResNetStem.
ResNetStem resnet_stem(const std::string& name);

/// Makes one block of stage `stage` (from 0) from `in_planes` channels at `planes` planes and
/// `stride`.
using BlockFactory = std::function<std::shared_ptr<ResidualBlockImpl>(
    int64_t in_planes, int64_t planes, int64_t stride, int64_t stage)>;

struct ResNetLayout {
  ResNetStem stem = ResNetStem::cifar;
  /// The stem's normalisation (the blocks choose their own).
  NormKind stem_norm = NormKind::batch;
  /// Planes of each stage; the stem has as many channels as the first stage's planes.
  std::vector<int64_t> widths;
  /// Blocks in each stage.
  std::vector<int64_t> blocks;
  /// A block's output channels are planes * expansion (1 basic, 4 bottleneck).
  int64_t expansion = 1;
  BlockFactory block;
};

/// The layout of ResNet-18: two basic blocks at each of `widths` (4 stages), normalised by
/// `norm` ("bn" or "dubin", resnet_options.h).
ResNetLayout resnet18_layout(const std::vector<int64_t>& widths, ResNetStem stem,
                             const std::string& norm);

class ResNetImpl : public ClassifierImpl {
 public:
  ResNetImpl(const ResNetLayout& layout, const ModelData& data);
  torch::Tensor forward(torch::Tensor images) override;
  double forward_flops(int64_t height, int64_t width) const override;

 private:
  ResNetStem stem_kind_ = ResNetStem::cifar;
  Normalize normalize_{nullptr};
  torch::nn::Conv2d stem_{nullptr};
  torch::nn::AnyModule stem_bn_;
  torch::nn::Sequential stages_{nullptr};
  torch::nn::Linear classifier_{nullptr};
};

}  // namespace dign::models
