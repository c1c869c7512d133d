#pragma once
// The architectures dign can build, by name, without LibTorch: option
// validation and the config.json parser check names here; registry.h builds them.
#include <string>
#include <vector>

namespace dign::models {

struct ModelInfo {
  std::string name;
  std::string description;
};

/// Every architecture make_model (registry.h) builds; later ones add one line each.
const std::vector<ModelInfo>& model_infos();

/// Throws dign::Error (naming `option`) when `name` is not in the catalog.
void check_model_name(const std::string& name, const std::string& option = "--arch");

}  // namespace dign::models
