#pragma once
// Training methods by name, and their options as one serialisable record.
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "objectives/dign.h"
#include "objectives/gaussian_noise.h"
#include "objectives/objective.h"
#include "objectives/rse.h"

namespace dign::objectives {

/// Everything that selects and configures a training objective.
struct MethodConfig {
  std::string method = "dign";  ///< standard | dign | gn | rse. Default: dign.
  DignOptions dign;
  GaussianNoiseOptions gn;
  RseOptions rse;
  /// Throws dign::Error naming the option when the method is unknown or its options are invalid.
  void validate() const;
  /// Test-time ensemble size the method implies (RSE: its `ensemble`; others: 1).
  int64_t default_ensemble() const;
  /// Noise level of the test-time ensemble (RSE: its sigma; others: 0).
  double ensemble_sigma() const;
};

struct MethodEntry {
  std::string name;
  std::string description;
};
const std::vector<MethodEntry>& method_catalog();

std::unique_ptr<Objective> make_objective(const MethodConfig& config);

/// Only the options of the chosen method are written.
nlohmann::json to_json(const MethodConfig& config);
MethodConfig method_config_from_json(const nlohmann::json& j);

}  // namespace dign::objectives
