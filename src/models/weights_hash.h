#pragma once
// The identity of a network's weights, whatever file, device or memory format they came from:
// what an interrupted evaluation checks before it resumes with the cells it kept
// (eval/cell_log.h).
#include <torch/torch.h>

#include <string>

namespace dign::models {

/// "xxh3:<16 hex digits>" over the module's parameters and buffers: each one's name and its
/// values (on the CPU, contiguous), in registration order.
std::string weights_hash(torch::nn::Module& module);

}  // namespace dign::models
