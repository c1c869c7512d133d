#include "objectives/noise2net.h"

#include <ATen/autocast_mode.h>

#include "core/error.h"
#include "core/rng.h"
#include "models/init.h"

namespace dign::objectives {
namespace {

constexpr int64_t kConvs = kNoise2NetScale - 1;
constexpr double kBatchNormEps = 1e-5;  // nn.BatchNorm2d's default

/// Autocast off on both device types for the scope, then as it was.
class NoAutocast {
 public:
  NoAutocast() : cpu_(at::autocast::is_cpu_enabled()), gpu_(at::autocast::is_enabled()) {
    at::autocast::set_cpu_enabled(false);
    at::autocast::set_enabled(false);
  }
  ~NoAutocast() {
    at::autocast::set_cpu_enabled(cpu_);
    at::autocast::set_enabled(gpu_);
  }
  NoAutocast(const NoAutocast&) = delete;
  NoAutocast& operator=(const NoAutocast&) = delete;

 private:
  bool cpu_, gpu_;
};

/// A convolution's weight [out, in_per_group, K, K] drawn as Conv2d::reset_parameters does.
torch::Tensor draw_weight(torch::IntArrayRef shape, torch::Generator& generator,
                          const torch::TensorOptions& options) {
  const int64_t fan_in = shape[1] * shape[2] * shape[3];
  const double bound = models::default_weight_bound(fan_in);
  return at::empty(shape, options).uniform_(-bound, bound, generator);
}

torch::Tensor draw_bias(int64_t size, int64_t fan_in, torch::Generator& generator,
                        const torch::TensorOptions& options) {
  const double bound = models::default_bias_bound(fan_in);
  return at::empty({size}, options).uniform_(-bound, bound, generator);
}

/// BatchNorm2d in training mode on one sample [1,C,H,W]: each channel standardised over H x W
/// with the biased variance, then scaled and shifted. Running statistics are never read, so
/// none are kept.
torch::Tensor batch_norm(const torch::Tensor& x, const torch::Tensor& weight,
                         const torch::Tensor& bias) {
  return at::batch_norm(x, weight, bias, /*running_mean=*/{}, /*running_var=*/{},
                        /*training=*/true, /*momentum=*/0.1, kBatchNormEps,
                        /*cudnn_enabled=*/true);
}

/// A convolution with stride 1 and `groups` groups (one per image) on x [1, groups*in, H, W];
/// bias may be undefined. A 1x1 kernel is computed as the batched matrix product it is, one
/// matrix per group (the same sums: LibTorch 1.13's grouped convolution with 3 input channels
/// per group took 6x as long here).
torch::Tensor grouped_conv(const torch::Tensor& x, const torch::Tensor& weight,
                           const torch::Tensor& bias, int64_t padding, int64_t dilation,
                           int64_t groups) {
  if (weight.size(2) != 1 || weight.size(3) != 1) {
    return at::conv2d(x, weight, bias, /*stride=*/torch::IntArrayRef{1},
                      torch::IntArrayRef{padding}, torch::IntArrayRef{dilation}, groups);
  }
  const int64_t out = weight.size(0) / groups, in = weight.size(1);
  const int64_t height = x.size(2), width = x.size(3);
  auto y = at::bmm(weight.view({groups, out, in}), x.reshape({groups, in, height * width}));
  if (bias.defined()) y = y + bias.view({groups, out, 1});
  return y.view({1, groups * out, height, width});
}

/// One Bottle2neck on the packed images x [1, 3*Bn, H, W] -> [1, 3*Bn, H, W].
torch::Tensor block_forward(const torch::Tensor& x, const Noise2NetBlock& block,
                            const Noise2NetShapes::value_type& shapes, int64_t images,
                            int64_t hidden) {
  const int64_t height = x.size(2), width = x.size(3);
  auto out = torch::relu(batch_norm(grouped_conv(x, block.conv1, /*bias=*/{}, 0, 1, images),
                                    block.bn1_weight, block.bn1_bias));
  // conv1's output channels are image-major, [image][scale][hidden]; scale s's chunk holds the
  // h channels of that scale of every image, [image][hidden], as the scale convolutions'
  // groups want them (the reference's view, transpose and split).
  const auto scales = out.view({images, kNoise2NetScale, hidden, height, width});
  auto chunk = [&](int64_t s) {
    return scales.select(1, s).reshape({1, images * hidden, height, width});
  };
  std::vector<torch::Tensor> outputs;
  torch::Tensor sp;
  for (int64_t i = 0; i < kConvs; ++i) {
    sp = i == 0 ? chunk(0) : sp + chunk(i);
    const auto& shape = shapes[i];
    const int64_t padding = (shape.kernel_size - 1) / 2 * shape.dilation;
    sp = torch::relu(batch_norm(
        grouped_conv(sp, block.conv_weight[i], block.conv_bias[i], padding, shape.dilation, images),
        block.bn_weight[i], block.bn_bias[i]));
    outputs.push_back(sp.view({images, hidden, height, width}));
  }
  outputs.push_back(chunk(kConvs).view({images, hidden, height, width}));
  // Back to [image][scale][hidden] for conv3's groups.
  const auto merged =
      torch::stack(outputs, 1).reshape({1, images * kNoise2NetScale * hidden, height, width});
  return batch_norm(grouped_conv(merged, block.conv3, /*bias=*/{}, 0, 1, images), block.bn3_weight,
                    block.bn3_bias);
}

}  // namespace

Noise2NetShapes draw_noise2net_shapes(uint64_t seed) {
  static constexpr int64_t kKernelSizes[] = {1, 3};
  static constexpr int64_t kDilations[] = {1, 2, 3};
  SampleRng rng(seed);
  Noise2NetShapes shapes;
  for (auto& block : shapes) {
    for (auto& conv : block) {
      conv.kernel_size = kKernelSizes[rng.below(2)];
      conv.dilation = kDilations[rng.below(3)];
    }
  }
  return shapes;
}

std::vector<torch::Tensor> Noise2NetWeights::parameters() const {
  std::vector<torch::Tensor> all;
  for (const auto& b : blocks) {
    // Bottle2neck's registration order: conv1, bn1, convs, bns, conv3, bn3.
    all.insert(all.end(), {b.conv1, b.bn1_weight, b.bn1_bias});
    for (int64_t i = 0; i < kConvs; ++i) all.insert(all.end(), {b.conv_weight[i], b.conv_bias[i]});
    for (int64_t i = 0; i < kConvs; ++i) all.insert(all.end(), {b.bn_weight[i], b.bn_bias[i]});
    all.insert(all.end(), {b.conv3, b.bn3_weight, b.bn3_bias});
  }
  return all;
}

Noise2NetWeights draw_noise2net_weights(const Noise2NetShapes& shapes, int64_t hidden,
                                        int64_t images, torch::Generator& generator,
                                        const torch::TensorOptions& options) {
  DIGN_CHECK(images >= 1 && hidden >= 1, "draw_noise2net_weights: expected images >= 1 and ",
             "hidden >= 1, got ", images, " and ", hidden);
  torch::NoGradGuard no_grad;
  Noise2NetWeights w;
  w.shapes = shapes;
  w.hidden = hidden;
  w.images = images;
  const int64_t width = hidden * images;
  const int64_t wide = kNoise2NetScale * width;
  for (int64_t j = 0; j < kNoise2NetBlocks; ++j) {
    Noise2NetBlock& b = w.blocks[j];
    // reset_parameters in the order of the reference's self.modules(): conv1, bn1, the scale
    // convolutions, their BatchNorms, conv3, bn3. BatchNorm draws nothing.
    b.conv1 = draw_weight({wide, 3, 1, 1}, generator, options);
    b.bn1_weight = at::ones({wide}, options);
    b.bn1_bias = at::zeros({wide}, options);
    for (int64_t i = 0; i < kConvs; ++i) {
      const int64_t k = shapes[j][i].kernel_size;
      b.conv_weight[i] = draw_weight({width, hidden, k, k}, generator, options);
      b.conv_bias[i] = draw_bias(width, hidden * k * k, generator, options);
    }
    for (int64_t i = 0; i < kConvs; ++i) {
      b.bn_weight[i] = at::ones({width}, options);
      b.bn_bias[i] = at::zeros({width}, options);
    }
    b.conv3 = draw_weight({3 * images, kNoise2NetScale * hidden, 1, 1}, generator, options);
    b.bn3_weight = at::ones({3 * images}, options);
    b.bn3_bias = at::zeros({3 * images}, options);
  }
  return w;
}

torch::Tensor noise2net_forward(const torch::Tensor& images, const Noise2NetWeights& weights,
                                double eps) {
  DIGN_CHECK(images.dim() == 4 && images.size(0) == weights.images && images.size(1) == 3,
             "noise2net_forward: expected images [", weights.images, ",3,H,W], got ",
             images.sizes());
  NoAutocast fp32;
  const int64_t height = images.size(2), width = images.size(3);
  auto x = images.reshape({1, 3 * weights.images, height, width});
  for (int64_t j = 0; j < kNoise2NetBlocks; ++j) {
    x = x + eps * block_forward(x, weights.blocks[j], weights.shapes[j], weights.images,
                                weights.hidden);
  }
  return x.view({weights.images, 3, height, width});
}

}  // namespace dign::objectives
