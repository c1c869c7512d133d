#include "core/torch_rng.h"

#include <ATen/CPUGeneratorImpl.h>

#include "core/error.h"
#include "core/rng.h"

// Debian's CPU-only LibTorch ships the CUDA headers too, so their presence is not enough:
// CMake defines DIGN_TORCH_CUDA when LibTorch was built with CUDA.
#if defined(DIGN_TORCH_CUDA) && __has_include(<ATen/cuda/CUDAGeneratorImpl.h>)
#include <ATen/cuda/CUDAGeneratorImpl.h>
#define DIGN_CUDA_GENERATOR 1
#endif

namespace dign {

torch::Generator make_generator(const torch::Device& device, uint64_t seed) {
  if (device.is_cpu()) return at::make_generator<at::CPUGeneratorImpl>(seed);
#ifdef DIGN_CUDA_GENERATOR
  if (device.is_cuda()) {
    // A new generator: re-seeding the device's default one would reset its other users.
    auto gen = at::cuda::detail::createCUDAGenerator(device.index());
    gen.set_current_seed(seed);
    return gen;
  }
  throw Error(detail::concat("make_generator: no generator for device ", device,
                             " (expected cpu or cuda)"));
#else
  throw Error(detail::concat("make_generator: no generator for device ", device,
                             ": this LibTorch was built without CUDA (expected cpu)"));
#endif
}

torch::Tensor per_image_draws(const std::vector<int64_t>& indices, uint64_t seed,
                              std::initializer_list<uint64_t> parts,
                              const std::function<torch::Tensor(torch::Generator&)>& draw) {
  const uint64_t base = derive_seed(seed, parts);
  std::vector<torch::Tensor> draws;
  draws.reserve(indices.size());
  for (int64_t index : indices) {
    auto generator = make_generator(torch::kCPU, extend_seed(base, static_cast<uint64_t>(index)));
    draws.push_back(draw(generator));
  }
  return torch::cat(draws);
}

}  // namespace dign
