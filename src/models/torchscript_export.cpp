#include "models/torchscript_export.h"

#include <fmt/format.h>
#include <torch/csrc/jit/serialization/export.h>

#include <memory>
#include <utility>

#include "core/error.h"
#include "models/classifier.h"
#include "models/dual_norm.h"
#include "models/scripted_classifier.h"

namespace dign::models {
namespace nn = torch::nn;

namespace {

/// A module's TorchScript class name and forward method.
struct Definition {
  std::string type;
  std::string source;
};

/// A double as TorchScript reads it back exactly (always with a '.' or an exponent, so that it
/// stays a float).
std::string literal(double v) {
  std::string s = fmt::format("{:.17g}", v);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string pair(const torch::ExpandingArray<2>& a) {
  return fmt::format("[{}, {}]", (*a)[0], (*a)[1]);
}

/// The class name of a dign module without namespaces or the Impl suffix
/// ("dign::models::(anonymous namespace)::BottleneckImpl" -> "Bottleneck").
std::string short_name(const nn::Module& m) {
  std::string name = m.name();
  const size_t colons = name.rfind("::");
  if (colons != std::string::npos) name = name.substr(colons + 2);
  if (name.size() > 4 && name.compare(name.size() - 4, 4, "Impl") == 0)
    name.resize(name.size() - 4);
  return name;
}

Definition conv_definition(const nn::Conv2dImpl& conv) {
  const auto& o = conv.options;
  const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
  DIGN_CHECK(
      padding != nullptr && c10::holds_alternative<torch::enumtype::kZeros>(o.padding_mode()),
      "export: a Conv2d with 'same'/'valid' or non-zero padding has no TorchScript "
      "definition here");
  return {"Conv2d", fmt::format("def forward(self, x):\n"
                                "    return torch.conv2d(x, self.weight, {}, {}, {}, {}, {})\n",
                                o.bias() ? "self.bias" : "None", pair(o.stride()), pair(*padding),
                                pair(o.dilation()), o.groups())};
}

Definition batch_norm_definition(const nn::BatchNorm2dImpl& bn) {
  const auto& o = bn.options;
  DIGN_CHECK(o.affine() && o.track_running_stats() && o.momentum().has_value(),
             "export: only affine BatchNorm2d with running statistics and a momentum is covered");
  // As LibTorch's and PyTorch's BatchNorm: the batch's statistics in training (updating the
  // running ones with the momentum), the running statistics in eval mode.
  return {"BatchNorm2d",
          fmt::format("def forward(self, x):\n"
                      "    if self.training:\n"
                      "        self.num_batches_tracked.add_(1)\n"
                      "    return torch.batch_norm(x, self.weight, self.bias, self.running_mean, "
                      "self.running_var, self.training, {}, {}, True)\n",
                      literal(*o.momentum()), literal(o.eps()))};
}

Definition instance_norm_definition(const nn::InstanceNorm2dImpl& instance) {
  const auto& o = instance.options;
  DIGN_CHECK(o.affine() && !o.track_running_stats(),
             "export: only affine InstanceNorm2d without running statistics is covered");
  return {"InstanceNorm2d",
          fmt::format("def forward(self, x):\n"
                      "    return torch.instance_norm(x, self.weight, self.bias, None, None, True, "
                      "{}, {}, False)\n",
                      literal(o.momentum()), literal(o.eps()))};
}

/// AugMax's layers (dual_norm.h) under the main route, the route of evaluation: PyTorch runs
/// the network as dign evaluates it (the auxiliary BatchNorms are kept, unused).
Definition dual_norm_definition(const DuBINImpl* dubin) {
  if (dubin == nullptr) {
    return {"DualBatchNorm2d",
            "def forward(self, x):\n"
            "    return self.main.forward(x)\n"};
  }
  const int64_t half = dubin->instance_channels();
  if (half == 0) {
    return {"DuBIN",
            "def forward(self, x):\n"
            "    return self.batch_norm.forward(x)\n"};
  }
  return {"DuBIN",
          fmt::format("def forward(self, x):\n"
                      "    a = self.instance_norm.forward(torch.narrow(x, 1, 0, {0}))\n"
                      "    b = self.batch_norm.forward(torch.narrow(x, 1, {0}, x.size(1) - {0}))\n"
                      "    return torch.cat([a, b], 1)\n",
                      half)};
}

Definition sequential_definition(const nn::SequentialImpl& sequential) {
  std::string body;
  for (size_t i = 0; i < sequential.size(); ++i) {
    body += fmt::format("    x = getattr(self, \"{}\").forward(x)\n", i);
  }
  return {"Sequential", "def forward(self, x):\n" + body + "    return x\n"};
}

/// The blocks and networks of dign's architectures (resnet.cpp, resnet50.cpp, densenet.cpp),
/// operation for operation.
Definition composite_definition(const std::string& name) {
  constexpr const char* kResNetHead =
      "def forward(self, images):\n"
      "    x = self.stem.forward(self.normalize.forward(images))\n"
      "    x = torch.relu(self.stem_bn.forward(x))\n";
  constexpr const char* kResNetTail =
      "    x = self.stages.forward(x)\n"
      "    x = torch.flatten(torch.adaptive_avg_pool2d(x, [1, 1]), 1)\n"
      "    return self.classifier.forward(x)\n";
  if (name == "ResNet") return {name, std::string(kResNetHead) + kResNetTail};
  if (name == "ResNet50") {  // the ImageNet stem's 3x3/2 max-pool
    return {name, std::string(kResNetHead) +
                      "    x = torch.max_pool2d(x, [3, 3], [2, 2], [1, 1], [1, 1], False)\n" +
                      kResNetTail};
  }
  if (name == "BasicBlock") {
    return {name,
            "def forward(self, x):\n"
            "    out = torch.relu(self.bn1.forward(self.conv1.forward(x)))\n"
            "    out = self.bn2.forward(self.conv2.forward(out))\n"
            "    return torch.relu(out + self.shortcut.forward(x))\n"};
  }
  if (name == "Bottleneck") {
    return {name,
            "def forward(self, x):\n"
            "    out = torch.relu(self.bn1.forward(self.conv1.forward(x)))\n"
            "    out = torch.relu(self.bn2.forward(self.conv2.forward(out)))\n"
            "    out = self.bn3.forward(self.conv3.forward(out))\n"
            "    return torch.relu(out + self.shortcut.forward(x))\n"};
  }
  if (name == "DenseLayer") {
    return {name,
            "def forward(self, x):\n"
            "    out = self.conv1.forward(torch.relu(self.bn1.forward(x)))\n"
            "    out = self.conv2.forward(torch.relu(self.bn2.forward(out)))\n"
            "    return torch.cat([out, x], 1)\n"};
  }
  if (name == "Transition") {
    return {name,
            "def forward(self, x):\n"
            "    x = self.conv.forward(torch.relu(self.bn.forward(x)))\n"
            "    return torch.avg_pool2d(x, [2, 2], [2, 2], [0, 0], False, True, None)\n"};
  }
  if (name == "DenseNet") {
    return {name,
            "def forward(self, images):\n"
            "    x = self.stem.forward(self.normalize.forward(images))\n"
            "    x = self.trans1.forward(self.dense1.forward(x))\n"
            "    x = self.trans2.forward(self.dense2.forward(x))\n"
            "    x = self.trans3.forward(self.dense3.forward(x))\n"
            "    x = torch.relu(self.bn.forward(self.dense4.forward(x)))\n"
            "    x = torch.flatten(torch.adaptive_avg_pool2d(x, [1, 1]), 1)\n"
            "    return self.classifier.forward(x)\n"};
  }
  throw Error(fmt::format(
      "export: no TorchScript definition for the module {}; the TorchScript format covers {} "
      "(--format state-dict writes the weights of any model)",
      name, torchscript_architectures()));
}

Definition definition(nn::Module& m) {
  if (auto* conv = m.as<nn::Conv2d>()) return conv_definition(*conv);
  if (auto* bn = m.as<nn::BatchNorm2d>()) return batch_norm_definition(*bn);
  if (auto* instance = m.as<nn::InstanceNorm2d>()) return instance_norm_definition(*instance);
  if (m.as<DualBatchNorm2d>() != nullptr) return dual_norm_definition(nullptr);
  if (auto* dubin = m.as<DuBIN>()) return dual_norm_definition(dubin);
  if (auto* linear = m.as<nn::Linear>()) {
    return {"Linear", fmt::format("def forward(self, x):\n"
                                  "    return torch.linear(x, self.weight, {})\n",
                                  linear->options.bias() ? "self.bias" : "None")};
  }
  if (m.as<NormalizeImpl>() != nullptr) {
    return {"Normalize",
            "def forward(self, x):\n"
            "    return (x - self.mean) * self.inv_std\n"};
  }
  if (auto* sequential = m.as<nn::Sequential>()) return sequential_definition(*sequential);
  return composite_definition(short_name(m));
}

class Builder {
 public:
  torch::jit::Module build(nn::Module& m) {
    // Children first: a module's forward is compiled against its children's types.
    std::vector<std::pair<std::string, torch::jit::Module>> children;
    for (const auto& item : m.named_children()) {
      children.emplace_back(item.key(), build(*item.value()));
    }
    const Definition d = definition(m);
    torch::jit::Module out(c10::QualifiedName("__torch__.dign." + d.type), unit_,
                           /*shouldMangle=*/true);
    out.register_attribute("training", c10::BoolType::get(), m.is_training());
    // Registration order = LibTorch's = the state dict's: parameters, buffers, children.
    for (const auto& p : m.named_parameters(/*recurse=*/false)) {
      out.register_parameter(p.key(), p.value(), /*is_buffer=*/false);
    }
    for (const auto& b : m.named_buffers(/*recurse=*/false))
      out.register_buffer(b.key(), b.value());
    for (const auto& [name, child] : children) out.register_module(name, child);
    try {
      out.define(d.source);
    } catch (const std::exception& e) {  // the TorchScript compiler's errors: several lines
      throw Error("export: internal error compiling the TorchScript of " + d.type + ": " +
                  last_error_line(e.what()));
    }
    return out;
  }

 private:
  std::shared_ptr<torch::jit::CompilationUnit> unit_ =
      std::make_shared<torch::jit::CompilationUnit>();
};

}  // namespace

std::string torchscript_architectures() {
  return "resnet18, wrn18, densenet121, resnet50";
}

torch::jit::Module to_torchscript(torch::nn::Module& model) {
  return Builder().build(model);
}

std::vector<uint8_t> torchscript_bytes(const torch::jit::Module& module,
                                       const std::string& dign_record) {
  std::vector<uint8_t> bytes;
  torch::jit::ExportModule(module,
                           [&bytes](const void* data, size_t size) {
                             const auto* p = static_cast<const uint8_t*>(data);
                             bytes.insert(bytes.end(), p, p + size);
                             return size;
                           },
                           {{"dign_model.json", dign_record}});
  return bytes;
}

}  // namespace dign::models
