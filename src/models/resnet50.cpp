// ResNet-50 v1.5 as torchvision builds it: resnet.h's network with the ImageNet stem (7x7/2
// conv, 3x3/2 max-pool), bottleneck blocks [3, 4, 6, 3] and torchvision's initialisation.
#include <cmath>

#include "models/conv_layers.h"
#include "models/resnet.h"
#include "models/resnet50_options.h"

namespace dign::models {
namespace nn = torch::nn;

namespace {

constexpr int64_t kExpansion = 4;

/// 1x1 conv - BN - ReLU - 3x3 conv (stride) - BN - ReLU - 1x1 conv to 4x planes - BN, plus
/// the shortcut (1x1 conv with the stride + BN when the shape changes), ReLU. v1.5: the
/// stride sits on the 3x3 conv (v1 put it on the first 1x1).
class BottleneckImpl : public ResidualBlockImpl {
 public:
  BottleneckImpl(int64_t in_planes, int64_t planes, int64_t stride) : stride_(stride) {
    // torchvision's registration order: conv1, bn1, conv2, bn2, conv3, bn3, downsample.
    conv1_ = register_module("conv1", conv_no_bias(in_planes, planes, 1, 1));
    bn1_ = register_module("bn1", BatchNorm2d(planes));
    conv2_ = register_module("conv2", conv_no_bias(planes, planes, 3, stride));
    bn2_ = register_module("bn2", BatchNorm2d(planes));
    conv3_ = register_module("conv3", conv_no_bias(planes, planes * kExpansion, 1, 1));
    bn3_ = register_module("bn3", BatchNorm2d(planes * kExpansion));
    shortcut_ = register_module("shortcut", nn::Sequential());
    if (stride != 1 || in_planes != planes * kExpansion) {
      shortcut_->push_back(conv_no_bias(in_planes, planes * kExpansion, 1, stride));
      shortcut_->push_back(BatchNorm2d(planes * kExpansion));
    }
  }

  torch::Tensor forward(const torch::Tensor& x) override {
    // In place where BatchNorm's output is overwritten, as BasicBlockImpl::forward.
    auto out = bn1_(conv1_(x)).relu_();
    out = bn2_(conv2_(out)).relu_();
    out = bn3_(conv3_(out));
    out += shortcut_->is_empty() ? x : shortcut_->forward(x);
    return out.relu_();
  }

  double flops(int64_t& h, int64_t& w) const override {
    double total = conv_flops(*conv1_, h, w);  // at the input's size
    h = strided(h, stride_);
    w = strided(w, stride_);
    total += conv_flops(*conv2_, h, w) + conv_flops(*conv3_, h, w);
    if (!shortcut_->is_empty()) total += conv_flops(*shortcut_->ptr<nn::Conv2dImpl>(0), h, w);
    return total;
  }

 private:
  int64_t stride_ = 1;
  nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr};
  BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr};
  nn::Sequential shortcut_{nullptr};
};

class ResNet50Impl : public ResNetImpl {
 public:
  using ResNetImpl::ResNetImpl;

  /// torchvision's initialisation: every convolution kaiming_normal_(mode fan_out, ReLU gain)
  /// = N(0, 2 / (out_channels * kernel area)), BatchNorm weight 1 and bias 0, the linear layer
  /// PyTorch's default (init.h); no zero-initialised last BatchNorm. Drawn from `generator` in
  /// registration order.
  void reset_parameters(torch::Generator& generator) override {
    torch::NoGradGuard no_grad;
    for (const auto& item : named_modules()) {
      nn::Module& m = *item.value();
      if (auto* conv = m.as<nn::Conv2d>()) {
        const auto fan_out = static_cast<double>(conv->weight.size(0) * conv->weight[0][0].numel());
        conv->weight.normal_(0, std::sqrt(2.0) / std::sqrt(fan_out), generator);
      } else if (!m.parameters(/*recurse=*/false).empty()) {
        reset_default_parameters(m, generator);  // a leaf: the linear layer or a BatchNorm
      }
    }
  }
};

}  // namespace

Classifier make_classifier(const ResNet50Options& options, const ModelData& data) {
  options.validate();
  const int64_t w = options.width();
  ResNetLayout layout;
  layout.stem = ResNetStem::imagenet;
  layout.widths = {w, 2 * w, 4 * w, 8 * w};
  layout.blocks = {3, 4, 6, 3};
  layout.expansion = kExpansion;
  layout.block = [](int64_t in_planes, int64_t planes, int64_t stride, int64_t /*stage*/) {
    return std::make_shared<BottleneckImpl>(in_planes, planes, stride);
  };
  return std::make_shared<ResNet50Impl>(layout, data);
}

}  // namespace dign::models
