#include "core/device.h"

#include <torch/torch.h>

#include "core/cpu_features.h"
#include "core/error.h"

namespace dign {

std::string resolve_device(const std::string& requested) {
  DIGN_CHECK_OPTION(requested == "auto" || requested == "cpu" || requested == "cuda", "device",
                    "expected auto, cpu or cuda, got '", requested, "'");
  if (requested == "auto") return torch::cuda::is_available() ? "cuda" : "cpu";
  DIGN_CHECK(requested != "cuda" || torch::cuda::is_available(),
             "--device cuda: this LibTorch build or machine has no CUDA device");
  return requested;
}

std::string resolve_precision(const std::string& requested, const std::string& device) {
  DIGN_CHECK_OPTION(requested == "auto" || requested == "fp32" || requested == "bf16", "precision",
                    "expected auto, fp32 or bf16, got '", requested, "'");
  if (requested != "auto") return requested;
  return device == "cuda" ? "bf16" : default_precision();
}

}  // namespace dign
