#pragma once
// A LibTorch generator for a given device, seeded from dign's counter-based
// seeds: objectives draw their noise from it, never from the global stream.
//
//   torch::Generator init = make_generator(torch::kCPU, derive_seed(seed, {purpose_tag("init")}));
//   model->reset_parameters(init);   // the same weights for the same seed (models/classifier.h)
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <vector>

namespace dign {

/// A fresh generator for `device` with `seed`, sharing no state with LibTorch's default
/// generators. CUDA needs a LibTorch built with CUDA (DIGN_TORCH_CUDA, set by CMake);
/// otherwise a CUDA device is a dign::Error.
torch::Generator make_generator(const torch::Device& device, uint64_t seed);

/// Draws made image by image, so that an image's draw depends on its own index alone, never on
/// the batch it sits in: `draw` is called for each of `indices` with a CPU generator seeded
/// derive_seed(seed, {parts..., index}) and returns a [1, ...] tensor; the draws concatenated.
/// (Evaluation noise and PGD's random starts.)
torch::Tensor per_image_draws(const std::vector<int64_t>& indices, uint64_t seed,
                              std::initializer_list<uint64_t> parts,
                              const std::function<torch::Tensor(torch::Generator&)>& draw);

}  // namespace dign
