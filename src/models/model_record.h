#pragma once
// The record of a model that checkpoints and config.json carry:
//   {"arch": "resnet18", "model_options": {"num_classes", "width", "mean", "std"}}
// parsed and validated without LibTorch, so that a malformed or hostile file is
// a one-line error (and the parser can be fuzzed) before any tensor exists.
#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <string>

namespace dign::models {

struct ModelRecord {
  std::string arch;
  int64_t num_classes = 0;
  int64_t width = 0;
  std::array<double, 3> mean{};
  std::array<double, 3> std{};
};

/// dign::Error naming `source` for a missing field, a wrong type, an unknown
/// architecture, fewer than 2 classes, a width below 1 or a non-finite or
/// non-positive standard deviation.
ModelRecord parse_model_record(const nlohmann::json& meta, const std::string& source);

}  // namespace dign::models
