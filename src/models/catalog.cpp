#include "models/catalog.h"

#include "core/error.h"

namespace dign::models {

const std::vector<ModelInfo>& model_infos() {
  static const std::vector<ModelInfo> infos = {
      {"resnet18", "ResNet-18, CIFAR form (3x3 stem, no max-pool); any input size (32x32, 64x64)"},
  };
  return infos;
}

void check_model_name(const std::string& name, const std::string& option) {
  std::string known;
  for (const auto& info : model_infos()) {
    if (info.name == name) return;
    known += (known.empty() ? "" : ", ") + info.name;
  }
  throw Error(detail::concat(option, ": unknown architecture '", name, "' (known: ", known, ")"));
}

}  // namespace dign::models
