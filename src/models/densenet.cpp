// DenseNet-121 in the CIFAR form of the paper's code (densenet.py; Huang et al. 2017): a 3x3
// stem to 2k channels, four dense blocks of [6, 12, 24, 16] bottleneck layers each adding k
// channels, a transition (BN-ReLU-1x1 conv to half the channels, rounded down, 2x2 average
// pool) after each of the first three, then BN-ReLU, global average pooling, linear.
#include <array>
#include <string>
#include <vector>

#include "models/batch_norm.h"
#include "models/classifier.h"
#include "models/conv_layers.h"
#include "models/densenet_options.h"

namespace dign::models {
namespace nn = torch::nn;

namespace {

constexpr std::array<int64_t, 4> kLayersPerBlock = {6, 12, 24, 16};

/// The paper's Bottleneck: BN - ReLU - 1x1 conv to 4k - BN - ReLU - 3x3 conv to k, its output
/// concatenated before its input (cat([new, x])).
class DenseLayerImpl : public nn::Module {
 public:
  DenseLayerImpl(int64_t in_planes, int64_t growth_rate) {
    bn1_ = register_module("bn1", BatchNorm2d(in_planes));
    conv1_ = register_module("conv1", conv_no_bias(in_planes, 4 * growth_rate, 1, 1));
    bn2_ = register_module("bn2", BatchNorm2d(4 * growth_rate));
    conv2_ = register_module("conv2", conv_no_bias(4 * growth_rate, growth_rate, 3, 1));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    // x is part of the output: only BatchNorm's fresh outputs take the in-place ReLU.
    auto out = conv1_(bn1_(x).relu_());
    out = conv2_(bn2_(out).relu_());
    return torch::cat({out, x}, 1);
  }
  double flops(int64_t h, int64_t w) const {
    return conv_flops(*conv1_, h, w) + conv_flops(*conv2_, h, w);
  }

 private:
  BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
  nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
};
TORCH_MODULE(DenseLayer);

/// BN - ReLU - 1x1 conv - 2x2 average pool (stride 2, rounding down).
class TransitionImpl : public nn::Module {
 public:
  TransitionImpl(int64_t in_planes, int64_t out_planes) {
    bn_ = register_module("bn", BatchNorm2d(in_planes));
    conv_ = register_module("conv", conv_no_bias(in_planes, out_planes, 1, 1));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return torch::avg_pool2d(conv_(bn_(x).relu_()), /*kernel_size=*/2);
  }
  /// FLOPs at an h x w input; h and w become the output's size.
  double flops(int64_t& h, int64_t& w) const {
    const double total = conv_flops(*conv_, h, w);
    h /= 2;
    w /= 2;
    return total;
  }

 private:
  BatchNorm2d bn_{nullptr};
  nn::Conv2d conv_{nullptr};
};
TORCH_MODULE(Transition);

class DenseNetImpl : public ClassifierImpl {
 public:
  DenseNetImpl(const DenseNet121Options& options, const ModelData& data) {
    const int64_t k = options.growth_rate();
    // The paper's registration order (conv1, dense1, trans1, ..., dense4, bn, linear), which is
    // the order of the initial draws.
    normalize_ = register_module("normalize", Normalize(data.mean(), data.std()));
    int64_t planes = 2 * k;
    stem_ = register_module("stem", conv_no_bias(3, planes, 3, 1));
    for (size_t b = 0; b < kLayersPerBlock.size(); ++b) {
      auto block = nn::Sequential();
      for (int64_t layer = 0; layer < kLayersPerBlock[b]; ++layer) {
        block->push_back(DenseLayer(planes, k));
        planes += k;
      }
      blocks_.push_back(register_module("dense" + std::to_string(b + 1), block));
      if (b + 1 < kLayersPerBlock.size()) {
        const int64_t out_planes = planes / 2;  // floor(planes * reduction 0.5)
        transitions_.push_back(
            register_module("trans" + std::to_string(b + 1), Transition(planes, out_planes)));
        planes = out_planes;
      }
    }
    bn_ = register_module("bn", BatchNorm2d(planes));
    classifier_ = register_module("classifier", nn::Linear(planes, data.num_classes()));
  }

  torch::Tensor forward(torch::Tensor images) override {
    // Inputs follow the weights' layout (see memory_format.h); a no-op when they agree.
    images = images.contiguous(stem_->weight.suggest_memory_format());
    auto x = stem_(normalize_(images));
    for (size_t b = 0; b < blocks_.size(); ++b) {
      x = blocks_[b]->forward(x);
      if (b < transitions_.size()) x = transitions_[b]->forward(x);
    }
    x = bn_(x).relu_();
    x = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
    return classifier_(x);
  }

  double forward_flops(int64_t height, int64_t width) const override {
    double total = conv_flops(*stem_, height, width);
    for (size_t b = 0; b < blocks_.size(); ++b) {
      for (const auto& layer : blocks_[b]->children()) {
        total += std::dynamic_pointer_cast<DenseLayerImpl>(layer)->flops(height, width);
      }
      if (b < transitions_.size()) total += transitions_[b]->flops(height, width);
    }
    return total + 2.0 * static_cast<double>(classifier_->weight.numel());
  }

 private:
  Normalize normalize_{nullptr};
  nn::Conv2d stem_{nullptr};
  std::vector<nn::Sequential> blocks_;
  std::vector<Transition> transitions_;
  BatchNorm2d bn_{nullptr};
  nn::Linear classifier_{nullptr};
};

}  // namespace

Classifier make_classifier(const DenseNet121Options& options, const ModelData& data) {
  options.validate();
  return std::make_shared<DenseNetImpl>(options, data);
}

}  // namespace dign::models
