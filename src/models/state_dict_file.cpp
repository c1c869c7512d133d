#include "models/state_dict_file.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/export.h>
#include <torch/csrc/jit/serialization/pickler.h>

#include "core/error.h"
#include "models/scripted_classifier.h"

namespace dign::models {

namespace {

/// PyTorch's state_dict order: a module's parameters, its buffers, then each child's.
void collect(const torch::nn::Module& module, const std::string& prefix, NamedTensors& tensors) {
  for (const auto& p : module.named_parameters(/*recurse=*/false)) {
    tensors.emplace_back(prefix + p.key(), p.value().detach());
  }
  for (const auto& b : module.named_buffers(/*recurse=*/false)) {
    tensors.emplace_back(prefix + b.key(), b.value().detach());
  }
  for (const auto& child : module.named_children()) {
    collect(*child.value(), prefix + child.key() + ".", tensors);
  }
}

}  // namespace

NamedTensors state_dict_of(const torch::nn::Module& model) {
  NamedTensors tensors;
  collect(model, "", tensors);
  return tensors;
}

std::vector<char> state_dict_bytes(const NamedTensors& tensors) {
  c10::Dict<std::string, at::Tensor> dict;
  for (const auto& [name, tensor] : tensors) dict.insert(name, tensor);
  // What torch::pickle_save does, with the type tags off (the facts sheet, section 5): the
  // pickle program to data.pkl, each storage to data/<i>, in a zip archive.
  std::vector<char> program;
  torch::jit::Pickler pickler(
      [&program](const char* data, size_t size) {
        program.insert(program.end(), data, data + size);
      },
      /*tensor_table=*/nullptr, /*type_renamer=*/nullptr, /*memoized_class_types=*/nullptr,
      /*get_tensor_id=*/nullptr, /*tag_aggregates=*/false);
  pickler.protocol();
  pickler.pushIValue(dict);
  pickler.stop();
  std::vector<char> bytes;
  caffe2::serialize::PyTorchStreamWriter writer([&bytes](const void* data, size_t size) {
    const auto* p = static_cast<const char*>(data);
    bytes.insert(bytes.end(), p, p + size);
    return size;
  });
  torch::jit::writeArchiveAndTensors("data", program.data(), program.size(), pickler.tensorData(),
                                     writer);
  writer.writeEndOfFile();
  return bytes;
}

NamedTensors read_state_dict(const std::vector<char>& bytes, const std::string& source) {
  c10::IValue value;
  try {
    value = torch::pickle_load(bytes);
  } catch (const c10::Error& e) {
    throw Error(source +
                ": not a torch.save archive: " + last_error_line(e.what_without_backtrace()));
  }
  DIGN_CHECK(value.isGenericDict(), source, ": expected a dict of tensors, got a ",
             value.tagKind());
  NamedTensors tensors;
  for (const auto& item : value.toGenericDict()) {
    DIGN_CHECK(item.key().isString() && item.value().isTensor(), source,
               ": expected a dict of tensors by name, got a ", item.key().tagKind(), " -> ",
               item.value().tagKind(), " entry");
    tensors.emplace_back(item.key().toStringRef(), item.value().toTensor());
  }
  return tensors;
}

}  // namespace dign::models
