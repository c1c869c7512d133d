#pragma once
// The "evaluation" and "landscape" objects of a grid file (docs/experiment.md), parsed and
// checked against the rules of `dign eval` and `dign landscape`. LibTorch-free.
#include <nlohmann/json.hpp>

#include <string>

#include "experiment/grid.h"

namespace dign::experiment {

/// `j`: false/true or the object; dign::Error naming `where` and the key for bad input.
EvaluationSpec parse_evaluation(const nlohmann::json& j, const std::string& where);
/// `j`: the object (labels are resolved against the runs by parse_grid).
LandscapeSpec parse_landscape(const nlohmann::json& j, const std::string& where);

}  // namespace dign::experiment
