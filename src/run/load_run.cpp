#include "run/load_run.h"

#include <xxhash.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "core/file_io.h"
#include "models/registry.h"
#include "models/scripted_classifier.h"
#include "run/checkpoint.h"
#include "run/run_config.h"
#include "run/run_files.h"

namespace dign::run {
namespace fs = std::filesystem;

LoadedRun load_run(const std::string& dir, const std::string& which) {
  DIGN_CHECK_OPTION(!dir.empty() || (which != "best" && which != "last"), "model",
                    "a run directory is required");
  LoadedRun r;
  r.dir = dir;
  r.checkpoint = resolve_checkpoint(dir, which);
  DIGN_CHECK_OPTION(fs::exists(r.checkpoint), "checkpoint", r.checkpoint, " does not exist");
  const CheckpointContainer checkpoint = read_checkpoint(r.checkpoint);  // read once
  const nlohmann::json& meta = checkpoint.meta;
  const std::string config_path = RunFiles(dir).config();
  if (!dir.empty() && fs::exists(config_path)) {
    const RunConfig config = read_run_config(config_path);
    r.config = config.json;
    r.image_size = config.options.data.image_size;
  }
  r.record = models::parse_model_record(meta, r.checkpoint);
  r.model = models::make_model(r.record);
  load_checkpoint(checkpoint, r.checkpoint, *r.model, nullptr);
  r.model->eval();
  r.checkpoint_epoch = meta.value("epoch", int64_t{0});
  const nlohmann::json inference = meta.value("inference", nlohmann::json::object());
  r.ensemble.copies = inference.value("ensemble", int64_t{1});
  r.ensemble.sigma = inference.value("ensemble_sigma", 0.0);
  return r;
}

bool is_model_file(const std::string& model) {
  std::error_code ec;
  return !model.empty() && fs::is_regular_file(model, ec);
}

LoadedRun load_scripted_model(const std::string& path, const models::InputNormalization& input) {
  const std::vector<uint8_t> bytes = read_file(path);  // hashed and loaded from one read
  DIGN_CHECK(bytes.size() < 8 || std::memcmp(bytes.data(), "DIGNCKPT", 8) != 0, path,
             ": is a dign checkpoint, not a TorchScript file: pass its run directory as --model "
             "(and the file as --checkpoint), or write a TorchScript file with dign export");
  LoadedRun r;
  r.checkpoint = path;
  r.scripted = true;
  r.input = input;
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(bytes.data(), bytes.size())));
  r.content_hash = std::string("xxh3:") + hex;  // as data::content_hash writes it
  std::string record;
  r.model = models::read_scripted_classifier(bytes, path, input, &record);
  if (!record.empty()) {
    try {
      r.export_record = nlohmann::json::parse(record);
    } catch (const nlohmann::json::exception& e) {
      throw Error(path + ": its dign_model.json is not valid JSON (" + e.what() + ")");
    }
  }
  return r;
}

}  // namespace dign::run
