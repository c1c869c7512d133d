#pragma once
// config.json of a run directory, read back: `dign train --resume` takes its
// options from it and `dign eval` its model record and test-time ensemble.
// Everything dign later reads from the file is parsed and validated here, at
// once and without LibTorch, so a damaged or hostile file is one clear error
// (this parser is what the config fuzz target attacks).
#include <nlohmann/json.hpp>

#include <string>

#include "models/model_record.h"
#include "run/train_options.h"

namespace dign::run {

struct RunConfig {
  nlohmann::json json;  ///< the whole file, validated
  TrainOptions options;
  models::ModelRecord model;
};

/// Parses config.json text; dign::Error naming `source` for invalid JSON, a missing or
/// mistyped field, or option values that `dign train` would refuse.
RunConfig parse_run_config(const std::string& text, const std::string& source);
/// Reads and parses `path`.
RunConfig read_run_config(const std::string& path);

}  // namespace dign::run
