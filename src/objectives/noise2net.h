#pragma once
// Noise2Net (Hendrycks et al. 2021, DeepAugment's Noise2Net; the paper's "DeepAugment"
// baseline as its code runs it, noise2net.py): a randomly initialised Res2Net of four
// Bottle2neck blocks that perturbs images, x <- x + eps * block(x) per block, no clamp.
//
// All Bn images are packed as ONE sample of 3*Bn channels, [1, 3*Bn, H, W], and every
// convolution has groups = Bn, so each image has weights of its own and images never mix.
// BatchNorm runs in training mode over that single sample: each channel is standardised over
// H x W, so each block adds about eps in [0,1] pixel units. A block, with h hidden planes and
// Res2Net's scale 4:
//   conv1 1x1 3 -> 4h (no bias), BN, ReLU; split into 4 chunks of h channels;
//   sp = chunk_0; for i = 0..2: sp = ReLU(BN(conv_i(sp))) (after sp += chunk_i for i > 0),
//     conv_i K x K, K in {1,3}, dilation D in {1,2,3}, padding (K-1)/2 * D, with bias;
//   concatenate the three outputs and chunk_3; conv3 1x1 4h -> 3 (no bias), BN, no activation.
// Weights as PyTorch's default initialisation draws them (U(+-1/sqrt(fan_in)), BN weight 1,
// bias 0), from an explicit generator.
//
//   auto shapes = draw_noise2net_shapes(derive_seed(seed, {purpose_tag("n2n-kernels"), epoch}));
//   auto weights = draw_noise2net_weights(shapes, /*hidden=*/2, images.size(0), generator,
//                                         images.options());
//   torch::NoGradGuard no_grad;
//   auto perturbed = noise2net_forward(images, weights, /*eps=*/0.1);  // [Bn,3,H,W]
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <vector>

namespace dign::objectives {

/// Bottle2neck blocks in the network.
inline constexpr int64_t kNoise2NetBlocks = 4;
/// Res2Net's scale: chunks per block, all but the last convolved.
inline constexpr int64_t kNoise2NetScale = 4;

/// Kernel size and dilation of one scale convolution.
struct Noise2NetConvShape {
  int64_t kernel_size = 1;  ///< 1 or 3
  int64_t dilation = 1;     ///< 1, 2 or 3
};

/// The shapes of every scale convolution, [block][convolution]: the network's architecture,
/// drawn once per epoch.
using Noise2NetShapes =
    std::array<std::array<Noise2NetConvShape, kNoise2NetScale - 1>, kNoise2NetBlocks>;

/// Draws each K uniformly from {1,3} and each D from {1,2,3} (block by block, K then D, as
/// the reference's constructor calls random.choice), from dign's counter-based stream `seed`.
Noise2NetShapes draw_noise2net_shapes(uint64_t seed);

/// One block's tensors for Bn images with h hidden planes (the grouped convolutions' weights
/// hold Bn groups, image-major).
struct Noise2NetBlock {
  torch::Tensor conv1;                                         ///< [4h*Bn, 3, 1, 1]
  torch::Tensor bn1_weight, bn1_bias;                          ///< [4h*Bn] each
  std::array<torch::Tensor, kNoise2NetScale - 1> conv_weight;  ///< [h*Bn, h, K, K] each
  std::array<torch::Tensor, kNoise2NetScale - 1> conv_bias;    ///< [h*Bn] each
  std::array<torch::Tensor, kNoise2NetScale - 1> bn_weight;    ///< [h*Bn] each
  std::array<torch::Tensor, kNoise2NetScale - 1> bn_bias;      ///< [h*Bn] each
  torch::Tensor conv3;                                         ///< [3*Bn, 4h, 1, 1]
  torch::Tensor bn3_weight, bn3_bias;                          ///< [3*Bn] each
};

/// A drawn network for `images` images.
struct Noise2NetWeights {
  Noise2NetShapes shapes;
  int64_t hidden = 2;
  int64_t images = 1;
  std::array<Noise2NetBlock, kNoise2NetBlocks> blocks;
  /// Every parameter the reference's nn.Module holds (BatchNorm's weight and bias included),
  /// in its registration order.
  std::vector<torch::Tensor> parameters() const;
};

/// Draws the weights of a network with `shapes` for `images` images (>= 1) and `hidden`
/// planes (>= 1): every convolution's weight, then bias, U(-b, b) with PyTorch's default
/// bounds (fan_in = h or 3 or 4h times K^2), in the reference's module order; BatchNorm
/// weight 1 and bias 0 (no draws). Tensors take `options` (dtype, device of the images);
/// `generator` must be on that device.
Noise2NetWeights draw_noise2net_weights(const Noise2NetShapes& shapes, int64_t hidden,
                                        int64_t images, torch::Generator& generator,
                                        const torch::TensorOptions& options);

/// The perturbed images: images [Bn,3,H,W] -> [Bn,3,H,W], Bn = weights.images, each block
/// x <- x + eps * block(x), no clamp. Computed in the images' dtype with autocast off
/// (BatchNorm over one sample in bf16 would round the standardisation). Gradients flow
/// unless the caller holds a NoGradGuard. dign::Error for a shape other than [Bn,3,H,W].
torch::Tensor noise2net_forward(const torch::Tensor& images, const Noise2NetWeights& weights,
                                double eps);

}  // namespace dign::objectives
