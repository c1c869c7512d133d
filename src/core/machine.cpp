#include "core/machine.h"

#include <torch/version.h>

#include "core/cpu_features.h"
#include "core/error.h"
#include "core/threads.h"
#include "core/version.h"

namespace dign {

std::string precision_name(Precision precision) {
  return precision == Precision::kBf16 ? "bf16" : "fp32";
}

nlohmann::json Machine::to_json() const {
  return {{"device", device_name()},
          {"precision", precision_name(precision)},
          {"memory_format", memory_format},
          {"threads", threads}};
}

nlohmann::json provenance_json(const Machine& machine, const std::string& data_path,
                               const std::string& data_format) {
  nlohmann::json j = machine.to_json();
  j.update({{"data_path", data_path},
            {"data_format", data_format},
            {"dign_version", version()},
            {"git_commit", git_commit()},
            {"libtorch_version", TORCH_VERSION}});
  return j;
}

Machine resolve_machine(const MachineOptions& options, const std::string& precision) {
  options.validate();
  Machine m;
  m.threads = set_threads(options.threads);
  if (options.device == "auto") {
    m.device = torch::Device(torch::cuda::is_available() ? "cuda" : "cpu");
  } else {
    m.device = torch::Device(options.device);
    DIGN_CHECK_OPTION(!m.device.is_cuda() || torch::cuda::is_available(), "device", options.device,
                      ": this LibTorch build or machine has no CUDA device");
    DIGN_CHECK_OPTION(!m.device.is_cuda() || !m.device.has_index() ||
                          m.device.index() < static_cast<int>(torch::cuda::device_count()),
                      "device", options.device, ": there are ", torch::cuda::device_count(),
                      " CUDA devices");
  }
  const std::string requested = precision.empty() ? options.precision : precision;
  DIGN_CHECK_OPTION(requested == "auto" || requested == "fp32" || requested == "bf16", "precision",
                    "expected auto, fp32 or bf16, got '", requested, "'");
  const std::string chosen = requested != "auto"  ? requested
                             : m.device.is_cuda() ? "bf16"
                                                  : default_precision();
  m.precision = chosen == "bf16" ? Precision::kBf16 : Precision::kFp32;
  m.memory_format = options.memory_format != "auto"   ? options.memory_format
                    : m.precision == Precision::kBf16 ? "channels-last"
                                                      : "contiguous";
  return m;
}

}  // namespace dign
