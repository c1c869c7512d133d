#include "models/weights_hash.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <memory>

#include "core/error.h"

namespace dign::models {

std::string weights_hash(torch::nn::Module& module) {
  const std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(),
                                                                       &XXH3_freeState);
  DIGN_CHECK(state != nullptr, "weights_hash: out of memory");
  XXH3_64bits_reset(state.get());
  auto add = [&state](const std::string& name, const torch::Tensor& value) {
    const torch::Tensor t = value.detach().cpu().contiguous();
    XXH3_64bits_update(state.get(), name.data(), name.size());
    XXH3_64bits_update(state.get(), t.data_ptr(), t.nbytes());
  };
  for (const auto& p : module.named_parameters()) add(p.key(), p.value());
  for (const auto& b : module.named_buffers()) add(b.key(), b.value());
  return fmt::format("xxh3:{:016x}", XXH3_64bits_digest(state.get()));
}

}  // namespace dign::models
