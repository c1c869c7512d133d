#include "objectives/method.h"

#include "core/choice.h"
#include "core/error.h"

namespace dign::objectives {

MethodConfig MethodConfig::named(const std::string& name) {
  return MethodConfig{choice_named<MethodOptions>(name, "method")};
}

std::string MethodConfig::name() const {
  return choice_name(options);
}

void MethodConfig::validate() const {
  choice_validate(options);
}

std::vector<augment::ViewSpec> MethodConfig::views() const {
  return std::visit([](const auto& o) { return o.views(); }, options);
}

int64_t MethodConfig::forward_passes() const {
  return std::visit([](const auto& o) { return o.forward_passes(); }, options);
}

int64_t MethodConfig::attack_passes() const {
  return std::visit([](const auto& o) { return o.attack_passes(); }, options);
}

TestTimeEnsemble MethodConfig::test_time_ensemble() const {
  return std::visit([](const auto& o) { return o.test_time_ensemble(); }, options);
}

bool MethodConfig::routes_auxiliary_norm() const {
  return std::visit([](const auto& o) { return o.routes_auxiliary_norm(); }, options);
}

void validate_method_and_arch(const MethodConfig& method, const models::ArchOptions& arch) {
  method.validate();
  choice_validate(arch);
  DIGN_CHECK_OPTION(models::arch_norm(arch) != "dubin" || method.routes_auxiliary_norm(), "norm",
                    "dubin is for --method augmax only (only AugMax routes images through the "
                    "auxiliary BatchNorm), got --method ",
                    method.name(), "; expected bn");
}

const std::vector<ChoiceEntry<MethodOptions>>& method_catalog() {
  return choice_catalog<MethodOptions>();
}

nlohmann::json to_json(const MethodConfig& c) {
  return choice_to_json(c.options, "method");
}

MethodConfig method_config_from_json(const nlohmann::json& j, const std::string& source) {
  MethodConfig c{choice_from_json<MethodOptions>(j, "method", source + ": method")};
  c.validate();
  return c;
}

}  // namespace dign::objectives
