#include "run/checkpoint.h"

#include <sstream>

#include "core/error.h"
#include "core/file_io.h"
#include "models/model_record.h"
#include "models/registry.h"

namespace dign::run {
namespace {

nlohmann::json tensor_shapes(torch::nn::Module& model) {
  nlohmann::json shapes = nlohmann::json::object();
  for (const auto& p : model.named_parameters()) shapes[p.key()] = p.value().sizes().vec();
  for (const auto& b : model.named_buffers()) shapes[b.key()] = b.value().sizes().vec();
  return shapes;
}

}  // namespace

CheckpointContainer read_checkpoint(const std::string& path) {
  const auto bytes = read_file(path);
  return decode_checkpoint(bytes.data(), bytes.size(), path);
}

models::Classifier model_from_meta(const nlohmann::json& meta, const std::string& source) {
  return models::make_model(models::parse_model_record(meta, source));
}

void save_checkpoint(const std::string& path, torch::nn::Module& model,
                     torch::optim::Optimizer* optimizer, nlohmann::json meta) {
  meta["format_version"] = kCheckpointFormatVersion;
  meta["tensors"] = tensor_shapes(model);
  meta["has_optimizer"] = optimizer != nullptr;
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive model_archive;
  model.save(model_archive);
  archive.write("model", model_archive);
  if (optimizer) {
    torch::serialize::OutputArchive optimizer_archive;
    optimizer->save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
  }
  std::ostringstream payload;
  archive.save_to(payload);
  const std::string file = encode_checkpoint(meta, payload.str());
  write_file_atomic(path, file);
}

nlohmann::json read_checkpoint_meta(const std::string& path) {
  return read_checkpoint(path).meta;
}

nlohmann::json load_checkpoint(const std::string& path, torch::nn::Module& model,
                               torch::optim::Optimizer* optimizer) {
  return load_checkpoint(read_checkpoint(path), path, model, optimizer);
}

nlohmann::json load_checkpoint(const CheckpointContainer& parsed, const std::string& path,
                               torch::nn::Module& model, torch::optim::Optimizer* optimizer) {
  const auto expected = tensor_shapes(model);
  const auto& stored = parsed.meta.at("tensors");
  for (const auto& [name, shape] : expected.items()) {
    DIGN_CHECK(stored.contains(name), path, ": checkpoint lacks tensor '", name,
               "' (another architecture?)");
    DIGN_CHECK(stored.at(name) == shape, path, ": tensor '", name, "' has shape ",
               stored.at(name).dump(), " in the checkpoint but ", shape.dump(), " in the model");
  }
  for (const auto& [name, shape] : stored.items()) {
    DIGN_CHECK(expected.contains(name), path, ": checkpoint has tensor '", name,
               "' that the model lacks (another architecture?)");
  }
  try {
    std::istringstream payload(parsed.payload);
    torch::serialize::InputArchive archive;
    archive.load_from(payload);
    torch::serialize::InputArchive model_archive;
    archive.read("model", model_archive);
    model.load(model_archive);
    if (optimizer) {
      DIGN_CHECK(parsed.meta.value("has_optimizer", false), path,
                 ": checkpoint holds no optimizer state");
      torch::serialize::InputArchive optimizer_archive;
      archive.read("optimizer", optimizer_archive);
      optimizer->load(optimizer_archive);
    }
  } catch (const c10::Error& e) {
    throw Error(detail::concat(path, ": cannot read checkpoint payload (",
                               e.what_without_backtrace(), ")"));
  }
  return parsed.meta;
}

}  // namespace dign::run
