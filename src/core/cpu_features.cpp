#include "core/cpu_features.h"

#include <fstream>
#include <sstream>

namespace dign {

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = [] {
    CpuFeatures f;
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      const std::string key = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
      const std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
      if (key == "model name" && f.model_name.empty()) f.model_name = value;
      if (key == "flags") {
        std::istringstream flags(value);
        std::string flag;
        while (flags >> flag) {
          f.avx2 |= flag == "avx2";
          f.avx512f |= flag == "avx512f";
          f.avx512_bf16 |= flag == "avx512_bf16";
          f.amx_bf16 |= flag == "amx_bf16";
        }
        break;
      }
    }
    return f;
  }();
  return features;
}

std::string default_precision() {
  const auto& f = cpu_features();
  return (f.amx_bf16 || f.avx512_bf16) ? "bf16" : "fp32";
}

}  // namespace dign
