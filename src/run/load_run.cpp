#include "run/load_run.h"

#include <filesystem>

#include "core/error.h"
#include "models/registry.h"
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

}  // namespace dign::run
