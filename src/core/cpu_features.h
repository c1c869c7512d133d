#pragma once
// What the CPU reports it can do, read once from the CPUID flags the kernel
// lists; defaults such as the training precision are chosen from it,
// deterministically (never from a timing taken at start-up).
#include <string>

namespace dign {

struct CpuFeatures {
  std::string model_name;
  bool avx2 = false;
  bool avx512f = false;
  bool avx512_bf16 = false;
  bool amx_bf16 = false;
};

const CpuFeatures& cpu_features();

/// "bf16" where the CPU has native bf16 dot products (AMX or AVX-512 BF16), else "fp32".
std::string default_precision();

}  // namespace dign
