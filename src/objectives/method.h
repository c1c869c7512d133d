#pragma once
// The training methods dign knows, and the record that selects one with its options: the
// part of the objectives that the command line, config.json and the experiment runner see.
// LibTorch-free (the config.json parser is fuzzed without it); make_objective (registry.h)
// builds the objective.
//
// Adding a method: its options struct (with kName, kSummary, fields(), validate() and any
// MethodTraits it changes) in a header of its own, its objective in the matching .cpp with
// make_objective(const ItsOptions&), and one line in MethodOptions below. Its flags, its
// config.json record and its place in --help follow from the options struct.
//
//   MethodConfig m = MethodConfig::named("gn");        // the paper's defaults
//   std::get<GaussianNoiseOptions>(m.options).sigma_max(0.3);
//   m.validate();  to_json(m);  // {"method": "gn", "sigma_max": 0.3}
#include <nlohmann/json.hpp>

#include <string>
#include <variant>
#include <vector>

#include "core/choice.h"
#include "models/catalog.h"
#include "objectives/adversarial_training.h"
#include "objectives/augmax.h"
#include "objectives/augmix.h"
#include "objectives/deepaugment.h"
#include "objectives/dign.h"
#include "objectives/dign_augmix.h"
#include "objectives/gaussian_noise.h"
#include "objectives/rse.h"
#include "objectives/standard.h"
#include "objectives/trades.h"

namespace dign::objectives {

/// One alternative per method, in the order --help lists them.
using MethodOptions = std::variant<StandardOptions, DignOptions, GaussianNoiseOptions, RseOptions,
                                   AugMixOptions, DignAugMixOptions, AugMaxOptions,
                                   DeepAugmentOptions, AdversarialTrainingOptions, TradesOptions>;

struct MethodConfig {
  /// Default: dign with the paper's settings.
  MethodOptions options = DignOptions();

  /// The defaults of the method called `name`; dign::OptionError ("method") naming the known
  /// methods otherwise.
  static MethodConfig named(const std::string& name);
  std::string name() const;
  /// dign::OptionError naming the first field out of range.
  void validate() const;
  /// The method's traits (see method_traits.h).
  std::vector<augment::ViewSpec> views() const;
  int64_t forward_passes() const;
  int64_t attack_passes() const;
  TestTimeEnsemble test_time_ensemble() const;
  bool routes_auxiliary_norm() const;
};

/// Validates the method's and the architecture's options, then that they fit together:
/// dign::OptionError ("norm") when `arch` normalises with AugMax's dual BatchNorms (--norm
/// dubin) and `method` routes no image through the auxiliary ones (they would never train).
void validate_method_and_arch(const MethodConfig& method, const models::ArchOptions& arch);

/// Every method with its defaults, in MethodOptions' order.
const std::vector<ChoiceEntry<MethodOptions>>& method_catalog();

/// {"method": name, <every field of its options>}.
nlohmann::json to_json(const MethodConfig& config);
/// Reads the record to_json writes (fields it lacks keep their defaults: older config.json
/// files load); validates. dign::Error naming `source` for an unknown method or field or a
/// wrong type, dign::OptionError for a value out of range.
MethodConfig method_config_from_json(const nlohmann::json& j,
                                     const std::string& source = "config.json");

}  // namespace dign::objectives
