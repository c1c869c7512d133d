#include "models/resnet.h"

#include "core/error.h"
#include "models/conv_layers.h"

namespace dign::models {
namespace nn = torch::nn;

NormalizeImpl::NormalizeImpl(const std::array<double, 3>& mean, const std::array<double, 3>& std) {
  auto m = torch::tensor({mean[0], mean[1], mean[2]}, torch::kFloat32).view({1, 3, 1, 1});
  auto s = torch::tensor({std[0], std[1], std[2]}, torch::kFloat32).view({1, 3, 1, 1});
  mean_ = register_buffer("mean", m);
  inv_std_ = register_buffer("inv_std", 1.0 / s);
}

torch::Tensor NormalizeImpl::forward(const torch::Tensor& images) {
  return (images - mean_) * inv_std_;
}

BasicBlockImpl::BasicBlockImpl(int64_t in_planes, int64_t planes, int64_t stride, NormKind first,
                               NormKind rest)
    : stride_(stride) {
  conv1_ = register_module("conv1", conv_no_bias(in_planes, planes, 3, stride));
  bn1_ = make_norm(first, planes);
  register_module("bn1", bn1_.ptr());
  conv2_ = register_module("conv2", conv_no_bias(planes, planes, 3, 1));
  bn2_ = make_norm(rest, planes);
  register_module("bn2", bn2_.ptr());
  shortcut_ = register_module("shortcut", nn::Sequential());
  if (stride != 1 || in_planes != planes) {
    // Projection shortcut (option B of He et al.) when the shape changes.
    shortcut_->push_back(conv_no_bias(in_planes, planes, 1, stride));
    shortcut_->push_back(make_norm(rest, planes));
  }
}

double BasicBlockImpl::flops(int64_t& h, int64_t& w) const {
  h = strided(h, stride_);
  w = strided(w, stride_);
  double total = conv_flops(*conv1_, h, w) + conv_flops(*conv2_, h, w);
  if (!shortcut_->is_empty()) total += conv_flops(*shortcut_->ptr<nn::Conv2dImpl>(0), h, w);
  return total;
}

torch::Tensor BasicBlockImpl::forward(const torch::Tensor& x) {
  // In-place ReLU and residual add: BatchNorm's backward needs its input, not its output, so
  // its output can be overwritten, saving an activation-sized allocation and pass per use.
  auto out = bn1_.forward(conv1_(x)).relu_();
  out = bn2_.forward(conv2_(out));
  out += shortcut_->is_empty() ? x : shortcut_->forward(x);
  return out.relu_();
}

ResNetStem resnet_stem(const std::string& name) {
  if (name == "cifar") return ResNetStem::cifar;
  if (name == "tiny") return ResNetStem::tiny;
  throw Error("internal: resnet_stem: unresolved stem '" + name + "'");
}

ResNetLayout resnet18_layout(const std::vector<int64_t>& widths, ResNetStem stem,
                             const std::string& norm) {
  TORCH_INTERNAL_ASSERT(norm == "bn" || norm == "dubin", "resnet18_layout: norm '", norm, "'");
  const bool dubin = norm == "dubin";
  ResNetLayout layout;
  layout.stem = stem;
  // ResNet18_DuBIN (AugMax's resnet_DuBIN.py:69-111, ibn_cfg ('a', 'a', 'a', None)): DuBIN as
  // bn1 of every block of stages 1-3, a dual BatchNorm for the stem, every bn2, every shortcut
  // and all of stage 4.
  layout.stem_norm = dubin ? NormKind::dual_batch : NormKind::batch;
  layout.widths = widths;
  layout.blocks = {2, 2, 2, 2};
  layout.block = [dubin](int64_t in_planes, int64_t planes, int64_t stride, int64_t stage) {
    const NormKind rest = dubin ? NormKind::dual_batch : NormKind::batch;
    const NormKind first = dubin && stage < 3 ? NormKind::dubin : rest;
    return std::make_shared<BasicBlockImpl>(in_planes, planes, stride, first, rest);
  };
  return layout;
}

ResNetImpl::ResNetImpl(const ResNetLayout& layout, const ModelData& data)
    : stem_kind_(layout.stem) {
  TORCH_INTERNAL_ASSERT(!layout.widths.empty() && layout.widths.size() == layout.blocks.size());
  // Registration order = LibTorch's (and the paper's PyTorch code's) order of initial draws.
  normalize_ = register_module("normalize", Normalize(data.mean(), data.std()));
  const int64_t width = layout.widths[0];
  stem_ = register_module("stem", layout.stem == ResNetStem::cifar ? conv_no_bias(3, width, 3, 1)
                                                                   : conv_no_bias(3, width, 7, 2));
  stem_bn_ = make_norm(layout.stem_norm, width);
  register_module("stem_bn", stem_bn_.ptr());
  stages_ = register_module("stages", nn::Sequential());
  int64_t in_planes = width;
  for (size_t stage = 0; stage < layout.widths.size(); ++stage) {
    const int64_t planes = layout.widths[stage];
    for (int64_t block = 0; block < layout.blocks[stage]; ++block) {
      const int64_t stride = (stage > 0 && block == 0) ? 2 : 1;
      stages_->push_back(layout.block(in_planes, planes, stride, static_cast<int64_t>(stage)));
      in_planes = planes * layout.expansion;
    }
  }
  classifier_ = register_module("classifier", nn::Linear(in_planes, data.num_classes()));
}

torch::Tensor ResNetImpl::forward(torch::Tensor images) {
  // Inputs follow the weights' layout (see memory_format.h); a no-op when they agree.
  images = images.contiguous(stem_->weight.suggest_memory_format());
  auto x = stem_bn_.forward(stem_(normalize_(images))).relu_();
  if (stem_kind_ == ResNetStem::imagenet) {
    x = torch::max_pool2d(x, /*kernel_size=*/3, /*stride=*/2, /*padding=*/1);
  }
  x = stages_->forward(x);
  x = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
  return classifier_(x);
}

double ResNetImpl::forward_flops(int64_t height, int64_t width) const {
  if (stem_kind_ != ResNetStem::cifar) {
    height = strided(height, 2);
    width = strided(width, 2);
  }
  double total = conv_flops(*stem_, height, width);
  if (stem_kind_ == ResNetStem::imagenet) {  // the max-pool: no FLOPs counted
    height = strided(height, 2);
    width = strided(width, 2);
  }
  for (const auto& block : stages_->children()) {
    total += std::dynamic_pointer_cast<ResidualBlockImpl>(block)->flops(height, width);
  }
  return total + 2.0 * static_cast<double>(classifier_->weight.numel());
}

Classifier make_classifier(const ResNet18Options& options, const ModelData& data) {
  options.validate();
  const int64_t w = options.width();
  return std::make_shared<ResNetImpl>(
      resnet18_layout({w, 2 * w, 4 * w, 8 * w},
                      resnet_stem(resolve_stem(options.stem(), data.image_size())), options.norm()),
      data);
}

}  // namespace dign::models
