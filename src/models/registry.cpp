#include "models/registry.h"

#include "core/error.h"
#include "models/resnet.h"

namespace dign::models {

const std::vector<ModelEntry>& model_catalog() {
  static const std::vector<ModelEntry> catalog = {
      {"resnet18", "ResNet-18, CIFAR form (3x3 stem, no max-pool); any input size (32x32, 64x64)",
       [](const ModelOptions& o) -> Classifier {
         return std::make_shared<ResNetImpl>(o, std::vector<int64_t>{2, 2, 2, 2});
       }},
  };
  return catalog;
}

void check_model_name(const std::string& name, const std::string& option) {
  std::string known;
  for (const auto& entry : model_catalog()) {
    if (entry.name == name) return;
    known += (known.empty() ? "" : ", ") + entry.name;
  }
  throw Error(detail::concat(option, ": unknown architecture '", name, "' (known: ", known, ")"));
}

Classifier make_model(const std::string& name, const ModelOptions& options) {
  check_model_name(name);
  DIGN_CHECK(options.width() >= 1, "--width: expected a positive width, got ", options.width());
  DIGN_CHECK(options.num_classes() >= 2, "model: expected at least 2 classes, got ",
             options.num_classes());
  for (const auto& entry : model_catalog()) {
    if (entry.name == name) return entry.make(options);
  }
  return nullptr;  // unreachable: check_model_name threw
}

}  // namespace dign::models
