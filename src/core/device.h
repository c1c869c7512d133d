#pragma once
// Resolving --device and --precision once, the same way for every command.
#include <string>

namespace dign {

/// "cpu" or "cuda" for `requested` (auto|cpu|cuda); auto = cuda when LibTorch and the
/// machine have it. dign::Error for cuda without CUDA.
std::string resolve_device(const std::string& requested);

/// "fp32" or "bf16" for `requested` (auto|fp32|bf16); auto = bf16 on CUDA and on CPUs
/// with native bf16 (AMX, AVX-512 BF16), else fp32.
std::string resolve_precision(const std::string& requested, const std::string& device);

}  // namespace dign
