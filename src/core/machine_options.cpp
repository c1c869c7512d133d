#include "core/machine_options.h"

#include "core/error.h"

namespace dign {

void MachineOptions::validate() const {
  DIGN_CHECK_OPTION(threads >= 0, "threads", "expected a count >= 0, got ", threads);
  const bool cuda_index = device.rfind("cuda:", 0) == 0 && device.size() > 5 &&
                          device.find_first_not_of("0123456789", 5) == std::string::npos;
  DIGN_CHECK_OPTION(device == "auto" || device == "cpu" || device == "cuda" || cuda_index, "device",
                    "expected auto, cpu, cuda or cuda:N, got '", device, "'");
  DIGN_CHECK_OPTION(precision == "auto" || precision == "fp32" || precision == "bf16", "precision",
                    "expected auto, fp32 or bf16, got '", precision, "'");
  DIGN_CHECK_OPTION(
      memory_format == "auto" || memory_format == "contiguous" || memory_format == "channels-last",
      "memory_format", "expected auto, contiguous or channels-last, got '", memory_format, "'");
}

}  // namespace dign
