#pragma once
// What the convolutional architectures (resnet.h, densenet.cpp) build with: a bias-free
// convolution padded by kernel / 2 (a BatchNorm follows every one), the side of its output
// and its FLOP count as ClassifierImpl::forward_flops counts them.
#include <torch/torch.h>

#include <cstdint>

namespace dign::models {

/// Conv2d(in -> out, kernel x kernel, stride), padding kernel / 2, no bias.
inline torch::nn::Conv2d conv_no_bias(int64_t in, int64_t out, int64_t kernel, int64_t stride) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false));
}

/// Output side of such a convolution (odd kernel), and of a 3x3 stride-2 max-pool padded by 1:
/// floor((side - 1) / stride) + 1 = ceil(side / stride), never 0.
inline int64_t strided(int64_t side, int64_t stride) {
  return (side + stride - 1) / stride;
}

/// 2 * multiply-adds of convolution `c` producing an h x w map.
inline double conv_flops(const torch::nn::Conv2dImpl& c, int64_t h, int64_t w) {
  return 2.0 * static_cast<double>(c.weight.numel()) * static_cast<double>(h * w);
}

}  // namespace dign::models
