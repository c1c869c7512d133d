#pragma once
// The record of a model that checkpoints and config.json carry:
//   {"arch": "resnet18", "model_options": {"num_classes", <the arch's fields>, "mean", "std",
//                                          "image_size"}}
// parsed and validated without LibTorch, so that a malformed or hostile file is
// a one-line error (and the parser can be fuzzed) before any tensor exists. Records of dign
// 0.2 lack "image_size" and the fields architectures gained since: they read as 0 (not
// recorded) and as the fields' defaults, which build the network dign 0.2 built.
#include <nlohmann/json.hpp>

#include <string>

#include "models/catalog.h"
#include "models/model_data.h"

namespace dign::models {

struct ModelRecord {
  ArchOptions arch;
  ModelData data;
  /// dign::OptionError for fewer than 2 or more than 1,000,000 classes (the bound keeps a
  /// hostile file from asking for a huge model), a non-finite mean or a non-positive or
  /// non-finite std, an image size outside 0 to 65536, an architecture option out of range, or
  /// an architecture that cannot take images of the recorded size ("image_size").
  void validate() const;
};

nlohmann::json to_json(const ModelRecord& record);

/// dign::Error naming `source` for a missing field, a wrong type, an unknown architecture or
/// field, or a value validate() refuses.
ModelRecord parse_model_record(const nlohmann::json& meta, const std::string& source);

}  // namespace dign::models
