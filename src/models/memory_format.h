#pragma once
// Memory layout of a convolutional model's activations. Channels-last (NHWC) is
// the layout oneDNN's bf16 convolutions (AMX, AVX-512 BF16) and CUDA tensor cores
// are fast in; in fp32 on the CPU it was not faster here (docs/performance.md),
// so "auto" follows the precision (core/machine.h resolves it).
//
//   apply_memory_format(*model, machine.memory_format);  // "channels-last" under bf16
#include <torch/torch.h>

#include <string>

namespace dign::models {

/// Rewrites every 4-D parameter and buffer of `model` (convolution weights) in
/// `format`, in place: tensors keep their identity, so an optimizer built on them
/// stays valid. The layout spreads from the weights to the activations, because a
/// convolution computes in the layout of its input or weight.
void apply_memory_format(torch::nn::Module& model, const std::string& format);

/// torch's MemoryFormat for a resolved format name.
c10::MemoryFormat to_torch_memory_format(const std::string& format);

}  // namespace dign::models
