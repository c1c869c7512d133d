#include "core/torch_rng.h"

#include <ATen/CPUGeneratorImpl.h>

#include "core/error.h"

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

}  // namespace dign
