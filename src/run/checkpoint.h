#pragma once
// Checkpoints that can be neither half-written nor silently wrong.
// File layout: "DIGNCKPT", u32 format version, u64 meta length, meta JSON,
// u64 payload length, payload (LibTorch archive of model and optimizer),
// u64 XXH3 checksum of everything before it. Written atomically.
// Loading checks magic, version, checksum, architecture, and every tensor's
// name and shape BEFORE handing the payload to LibTorch, whose torch::load
// would silently resize mismatched tensors.
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <string>

#include "models/classifier.h"
#include "run/checkpoint_format.h"

namespace dign::run {

/// Writes model (and optimizer, if given) with `meta` (must hold the model record,
/// models::to_json(ModelRecord)); the tensor names and shapes are added to meta.
void save_checkpoint(const std::string& path, torch::nn::Module& model,
                     torch::optim::Optimizer* optimizer, nlohmann::json meta);

/// Reads and verifies the header and checksum; returns meta. dign::Error names the file.
nlohmann::json read_checkpoint_meta(const std::string& path);
/// Reads and verifies the whole file once: meta and payload.
CheckpointContainer read_checkpoint(const std::string& path);

/// Loads into `model` (and `optimizer`), after verifying that `model`'s
/// parameters and buffers match the file's names and shapes exactly. Returns meta.
nlohmann::json load_checkpoint(const std::string& path, torch::nn::Module& model,
                               torch::optim::Optimizer* optimizer);
/// The same from a container read_checkpoint returned; `path` names it in errors.
nlohmann::json load_checkpoint(const CheckpointContainer& checkpoint, const std::string& path,
                               torch::nn::Module& model, torch::optim::Optimizer* optimizer);

/// Builds the classifier a checkpoint describes (architecture and options from its meta,
/// validated by parse_model_record; errors name `source`).
models::Classifier model_from_meta(const nlohmann::json& meta,
                                   const std::string& source = "checkpoint");

}  // namespace dign::run
