// libFuzzer target: a run's config.json as `dign train --resume` and `dign eval`
// read it (JSON, the training options, the model record, the resolved machine
// settings). Anything but a dign::Error is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "run/run_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    dign::run::parse_run_config(std::string(reinterpret_cast<const char*>(data), size),
                                "fuzz/config.json");
  } catch (const dign::Error&) {
  }
  return 0;
}
