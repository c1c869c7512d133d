#pragma once
// ResNet-18 in its CIFAR form (He et al. 2016 as used by the paper): a 3x3
// stem with no max-pool, four stages of two basic blocks at widths
// w, 2w, 4w, 8w, global average pooling and a linear classifier. The pooling
// is adaptive, so the same network takes 32x32 (CIFAR) and 64x64
// (Tiny-ImageNet) inputs; at 64x64 the last stage sees 8x8 maps.
//
//   auto net = make_classifier(ResNet18Options().width(16), ModelData().num_classes(10));
//   auto logits = net->forward(images);  // images: [N,3,32,32] in [0,1]
#include "models/classifier.h"
#include "models/resnet_options.h"

#include <vector>

namespace dign::models {

class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(int64_t in_planes, int64_t planes, int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);
  /// Forward FLOPs (see ClassifierImpl::forward_flops) for an h x w input; h and w
  /// become the output's size.
  double flops(int64_t& h, int64_t& w) const;

 private:
  int64_t stride_ = 1;
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
  torch::nn::Sequential shortcut_{nullptr};
};
TORCH_MODULE(BasicBlock);

class ResNetImpl : public ClassifierImpl {
 public:
  ResNetImpl(const ResNet18Options& options, const ModelData& data,
             const std::vector<int64_t>& blocks_per_stage);
  torch::Tensor forward(torch::Tensor images) override;
  double forward_flops(int64_t height, int64_t width) const override;

 private:
  Normalize normalize_{nullptr};
  torch::nn::Conv2d stem_{nullptr};
  torch::nn::BatchNorm2d stem_bn_{nullptr};
  torch::nn::Sequential stages_{nullptr};
  torch::nn::Linear classifier_{nullptr};
};

}  // namespace dign::models
