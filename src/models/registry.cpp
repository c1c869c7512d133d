#include "models/registry.h"

#include "core/error.h"
#include "models/resnet.h"

namespace dign::models {

Classifier make_model(const std::string& name, const ModelOptions& options) {
  check_model_name(name);
  DIGN_CHECK(options.width() >= 1, "--width: expected a positive width, got ", options.width());
  DIGN_CHECK(options.num_classes() >= 2, "model: expected at least 2 classes, got ",
             options.num_classes());
  if (name == "resnet18") {
    return std::make_shared<ResNetImpl>(options, std::vector<int64_t>{2, 2, 2, 2});
  }
  // A name in catalog.h without a builder here: models_test builds every catalog entry.
  throw Error(detail::concat("--arch: architecture '", name, "' has no builder"));
}

}  // namespace dign::models
