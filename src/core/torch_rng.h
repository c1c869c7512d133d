#pragma once
// A LibTorch generator for a given device, seeded from dign's counter-based
// seeds: objectives draw their noise from it, never from the global stream.
#include <torch/torch.h>

#include <cstdint>

namespace dign {

/// A fresh generator for `device` with `seed`, sharing no state with LibTorch's default
/// generators. CUDA needs a LibTorch built with CUDA (DIGN_TORCH_CUDA, set by CMake);
/// otherwise a CUDA device is a dign::Error.
torch::Generator make_generator(const torch::Device& device, uint64_t seed);

}  // namespace dign
