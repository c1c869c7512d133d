#pragma once
// A model's weights as a PyTorch state dict file: a plain dict {name: tensor} in torch.save's
// zip format, which torch.load(FILE, weights_only=True) accepts (as PyTorch >= 2.6 does by
// default) and model.load_state_dict(...) loads into python/dign_reference.py's definitions,
// whose module names are dign's. LibTorch's own torch::pickle_save tags the dict with its C++
// type (tag_aggregates), which weights_only=True refuses (restore_type_tag); this writer leaves
// the tags off.
//
//   std::vector<char> bytes = state_dict_bytes(*model);
//   write_file_atomic("m.pth", bytes.data(), bytes.size());
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace dign::models {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

/// The parameters and buffers of `model` under their dotted names ("stages.0.bn1.weight"), in
/// the order of PyTorch's state_dict(): a module's parameters, its buffers, then its children's.
NamedTensors state_dict_of(const torch::nn::Module& model);

/// The file bytes of `tensors` as one dict, in order.
std::vector<char> state_dict_bytes(const NamedTensors& tensors);

/// Reads such a file back (names and tensors, in order). dign::Error naming `source` when
/// the bytes are not a torch.save archive of a dict of tensors.
NamedTensors read_state_dict(const std::vector<char>& bytes, const std::string& source);

}  // namespace dign::models
