#include "objectives/registry.h"

#include "core/error.h"
#include "objectives/standard.h"

namespace dign::objectives {

std::unique_ptr<Objective> make_objective(const MethodConfig& config) {
  config.validate();
  if (config.method == "dign") return std::make_unique<Dign>(config.dign);
  if (config.method == "gn") return std::make_unique<GaussianNoise>(config.gn);
  if (config.method == "rse") return std::make_unique<Rse>(config.rse);
  return std::make_unique<Standard>();
}

}  // namespace dign::objectives
