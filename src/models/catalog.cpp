#include "models/catalog.h"

#include <type_traits>
#include <utility>

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

namespace {
template <typename T, typename = void>
struct HasNorm : std::false_type {};
template <typename T>
struct HasNorm<T, std::void_t<decltype(std::declval<const T&>().norm())>> : std::true_type {};
}  // namespace

std::string arch_norm(const ArchOptions& arch) {
  return std::visit(
      [](const auto& o) -> std::string {
        if constexpr (HasNorm<std::decay_t<decltype(o)>>::value) {
          return o.norm();
        } else {
          return "bn";
        }
      },
      arch);
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
