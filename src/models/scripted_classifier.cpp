#include "models/scripted_classifier.h"

#include <caffe2/serialize/read_adapter_interface.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "core/error.h"

namespace dign::models {

namespace {

/// Registers the tensors of `source` on `target` under their own names, in a tree of modules
/// mirroring the scripted one: parameters, buffers, then children, as PyTorch's state_dict()
/// orders them.
void mirror(torch::nn::Module& target, const torch::jit::Module& source) {
  for (const auto& p : source.named_parameters(/*recurse=*/false)) {
    target.register_parameter(p.name, p.value, p.value.requires_grad());
  }
  for (const auto& b : source.named_buffers(/*recurse=*/false)) {
    target.register_buffer(b.name, b.value);
  }
  for (const auto& child : source.named_children()) {
    auto module = std::make_shared<torch::nn::Module>();
    mirror(*module, child.value);
    target.register_module(child.name, module);
  }
}

/// The bytes of a file held in memory, as the archive reader reads them.
class BytesReader : public caffe2::serialize::ReadAdapterInterface {
 public:
  explicit BytesReader(const std::vector<uint8_t>& bytes) : bytes_(bytes) {}
  size_t size() const override { return bytes_.size(); }
  size_t read(uint64_t pos, void* buf, size_t n, const char* /*what*/) const override {
    if (pos >= bytes_.size()) return 0;
    n = std::min<size_t>(n, bytes_.size() - static_cast<size_t>(pos));
    std::memcpy(buf, bytes_.data() + pos, n);
    return n;
  }

 private:
  const std::vector<uint8_t>& bytes_;
};

torch::Tensor channel_tensor(const ChannelValues& v) {
  return torch::tensor({v[0], v[1], v[2]}, torch::kFloat32).view({1, 3, 1, 1});
}

}  // namespace

std::string last_error_line(const std::string& what) {
  size_t end = what.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return what;
  const size_t start = what.rfind('\n', end);
  return what.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

ScriptedClassifierImpl::ScriptedClassifierImpl(torch::jit::Module module, InputNormalization input,
                                               std::string source)
    : module_(std::move(module)),
      input_(input),
      source_(std::move(source)),
      mean_(channel_tensor(input.mean)),
      std_(channel_tensor(input.std)) {
  mirror(*this, module_);
  ClassifierImpl::train(module_.is_training());
}

torch::Tensor ScriptedClassifierImpl::forward(torch::Tensor images) {
  if (!input_.identity()) {
    // As torchvision's Normalize: (x - mean) / std.
    images = (images - mean_.to(images.device())) / std_.to(images.device());
  }
  c10::IValue out;
  const auto failed = [&](const std::string& what) {
    return Error(detail::concat(source_, ": the model's forward pass failed on a float ",
                                images.sizes(), " batch: ", last_error_line(what)));
  };
  try {
    out = module_.forward({images});
  } catch (const c10::Error& e) {
    throw failed(e.what_without_backtrace());
  } catch (const std::exception& e) {  // the TorchScript interpreter's errors
    throw failed(e.what());
  }
  DIGN_CHECK(out.isTensor(), source_, ": the model returned a ", out.tagKind(),
             ", expected a logits tensor [N, classes]");
  return out.toTensor();
}

void ScriptedClassifierImpl::train(bool on) {
  ClassifierImpl::train(on);
  module_.train(on);
}

void ScriptedClassifierImpl::reset_parameters(torch::Generator& /*generator*/) {
  throw Error(source_ + ": a TorchScript model keeps the weights it was saved with");
}

Classifier read_scripted_classifier(const std::vector<uint8_t>& bytes, const std::string& source,
                                    const InputNormalization& input, std::string* dign_record) {
  torch::jit::ExtraFilesMap extra{{"dign_model.json", ""}};
  torch::jit::Module module;
  const auto not_torchscript = [&source](const std::string& reason) {
    return Error(detail::concat(
        source,
        ": not a TorchScript archive (Python writes one with torch.jit.script(model).save(FILE) "
        "or torch.jit.trace(model, x).save(FILE)): ",
        reason));
  };
  try {
    module =
        torch::jit::load(std::make_shared<BytesReader>(bytes), torch::Device(torch::kCPU), extra);
  } catch (const c10::Error& e) {  // the archive reader's: the cause on the last line
    throw not_torchscript(last_error_line(e.what_without_backtrace()));
  } catch (const std::exception& e) {  // the TorchScript compiler's: the cause on the first line
    const std::string what = e.what();
    throw not_torchscript(what.substr(0, what.find('\n')));
  }
  DIGN_CHECK(module.find_method("forward").has_value(), source,
             ": the TorchScript module has no forward method");
  if (dign_record != nullptr) *dign_record = extra["dign_model.json"];
  auto model = std::make_shared<ScriptedClassifierImpl>(std::move(module), input, source);
  model->eval();
  return model;
}

int64_t scripted_output_classes(ClassifierImpl& model, const torch::Tensor& probe,
                                const std::string& source) {
  torch::NoGradGuard no_grad;
  const torch::Tensor logits = model.forward(probe);
  const int64_t n = probe.size(0);
  DIGN_CHECK(
      logits.dim() == 2 && logits.size(0) == n && logits.size(1) >= 2 && logits.is_floating_point(),
      source, ": expected float logits [", n, ", classes] (at least 2 classes) from a float ",
      probe.sizes(), " batch, got ", logits.scalar_type(), " ", logits.sizes());
  return logits.size(1);
}

}  // namespace dign::models
