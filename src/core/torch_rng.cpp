#include "core/torch_rng.h"

#include <ATen/CPUGeneratorImpl.h>
#include <mutex>

namespace dign {

torch::Generator make_generator(const torch::Device& device, uint64_t seed) {
  if (device.is_cpu()) return at::make_generator<at::CPUGeneratorImpl>(seed);
  auto gen = at::globalContext().defaultGenerator(device);
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_current_seed(seed);
  return gen;
}

}  // namespace dign
