#pragma once
// Models by name. An explicit catalog (no static self-registration, which is
// fragile in static libraries); later architectures add one line each.
#include <functional>
#include <string>
#include <vector>

#include "models/classifier.h"

namespace dign::models {

struct ModelEntry {
  std::string name;
  std::string description;
  std::function<Classifier(const ModelOptions&)> make;
};

const std::vector<ModelEntry>& model_catalog();

/// Builds the named architecture; dign::Error listing the known names otherwise.
Classifier make_model(const std::string& name, const ModelOptions& options);

/// Throws dign::Error (naming `option`) when `name` is not in the catalog.
void check_model_name(const std::string& name, const std::string& option = "--arch");

}  // namespace dign::models
