#include "models/catalog.h"

namespace dign::models {

const std::vector<ChoiceEntry<ArchOptions>>& arch_catalog() {
  return choice_catalog<ArchOptions>();
}

ArchOptions arch_named(const std::string& name) {
  return choice_named<ArchOptions>(name, "arch", "architecture");
}

std::string arch_name(const ArchOptions& arch) {
  return choice_name(arch);
}

void check_image_size(const ArchOptions& arch, int64_t side) {
  std::visit([side](const auto& o) { o.check_image_size(side); }, arch);
}

nlohmann::json to_json(const ArchOptions& arch) {
  return choice_to_json(arch, "arch");
}

ArchOptions arch_from_json(const nlohmann::json& j, const std::string& source) {
  ArchOptions arch = choice_from_json<ArchOptions>(j, "arch", source, {}, "architecture");
  choice_validate(arch);
  return arch;
}

}  // namespace dign::models
