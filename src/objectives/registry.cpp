#include "objectives/registry.h"

namespace dign::objectives {

std::unique_ptr<Objective> make_objective(const MethodConfig& config) {
  config.validate();
  return std::visit([](const auto& options) { return make_objective(options); }, config.options);
}

}  // namespace dign::objectives
