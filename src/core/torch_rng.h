#pragma once
// A LibTorch generator for a given device, seeded from dign's counter-based
// seeds: objectives draw their noise from it, never from the global stream.
#include <torch/torch.h>

#include <cstdint>

namespace dign {

/// A fresh CPU generator with `seed`; on CUDA, the device's default generator
/// re-seeded (LibTorch 1.13 offers no way to create a CUDA generator without CUDA headers).
torch::Generator make_generator(const torch::Device& device, uint64_t seed);

}  // namespace dign
