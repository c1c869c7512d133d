#pragma once
// The paper's per-dataset settings as named presets (`dign train --preset NAME`): the noise
// levels and weights of the noise methods (section 4, Table 6, A.8), the architecture, image
// size and weight decay where a dataset needs its own. Values the command line gives
// explicitly win over the preset's; config.json records the preset and each value it set.
// LibTorch-free.
//
//   const Preset& p = preset_named("tiny-imagenet");
//   nlohmann::json set = apply_preset(p, options, /*given=*/{"--lambda"});
#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

#include "run/train_options.h"

namespace dign::run {

struct Preset {
  std::string name;
  std::string summary;
  /// The architecture's name, or "" to keep the command line's.
  std::string arch;
  /// Training options by key ("image_size", "weight_decay"; flags --image-size ...).
  nlohmann::json train;
  /// Fields of each method by method name ({"dign": {"sigma_max": 0.6}, ...}).
  nlohmann::json methods;
  /// Where the values come from.
  std::string source;
};

/// cifar10, cifar100, tiny-imagenet, imagenette.
const std::vector<Preset>& presets();

/// The preset called `name`; dign::OptionError ("preset") naming the known ones otherwise.
const Preset& preset_named(const std::string& name);

/// Sets the preset's values in `options` (its method's fields for the chosen method only)
/// except those whose flag is in `given` ("--sigma-max", "--weight-decay", "--arch", ...), and
/// records the preset's name in options.preset. Returns the values it set, as
/// {"arch": ..., "train": {...}, "method": {...}}. The architecture is set by the caller (the
/// command line resolves its flags against it): this only reports it.
nlohmann::json apply_preset(const Preset& preset, TrainOptions& options,
                            const std::set<std::string>& given);

/// The presets as a Markdown table, one row per preset and value, for --list-presets.
std::string presets_table();

}  // namespace dign::run
