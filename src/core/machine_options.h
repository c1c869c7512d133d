#pragma once
// The machine settings every long-running command takes (--threads, --device, --precision,
// --memory-format), as asked; core/machine.h resolves them. LibTorch-free: config.json
// records them.
#include <string>

namespace dign {

/// What the user asked for; "auto" lets dign choose.
struct MachineOptions {
  /// 0 = the cores this process may use.
  int threads = 0;
  /// auto | cpu | cuda | cuda:N. auto = cuda when LibTorch and the machine have it.
  std::string device = "auto";
  /// auto | fp32 | bf16. auto = bf16 on CUDA and on CPUs with native bf16 (AMX, AVX-512 BF16).
  std::string precision = "auto";
  /// auto | contiguous | channels-last. auto = channels-last under bf16 (oneDNN's bf16
  /// convolutions want it), contiguous under fp32.
  std::string memory_format = "auto";
  /// dign::OptionError naming the field for a value outside its choices.
  void validate() const;
};

}  // namespace dign
