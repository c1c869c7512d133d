#pragma once
// A trained model as every reader of runs needs it (evaluation, the coming analysis and
// experiment commands): its checkpoint loaded into a freshly built network, with what the
// run recorded about it. The one place that turns a run directory back into a model; a
// TorchScript file (`dign eval --model FILE.pt`) comes back the same way.
//
//   LoadedRun run = load_run("runs/a", "best");
//   LoadedRun scripted = load_scripted_model("resnet.pt", models::InputNormalization());
//   run.model->to(machine.device);
#include <nlohmann/json.hpp>

#include <string>

#include "models/classifier.h"
#include "models/input_normalization.h"
#include "models/model_record.h"
#include "objectives/method_traits.h"

namespace dign::run {

struct LoadedRun {
  std::string dir;         ///< the run directory ("" for a bare checkpoint file)
  std::string checkpoint;  ///< the file loaded
  int64_t checkpoint_epoch = 0;
  /// config.json of the run; null when `dir` has none (a checkpoint file on its own).
  nlohmann::json config;
  models::ModelRecord record;
  models::Classifier model;  ///< on the CPU, in eval mode
  /// The test-time ensemble the run recorded (RSE), else one copy.
  objectives::TestTimeEnsemble ensemble;
  /// The side the run trained at (--image-size), 0 when it kept the stored size.
  int64_t image_size = 0;

  /// A TorchScript file (load_scripted_model) rather than a dign run; then `record` holds only
  /// the number of classes, set by the caller from the model's output
  /// (models::scripted_output_classes), and `checkpoint` the file.
  bool scripted = false;
  /// The file's content hash, "xxh3:<16 hex digits>" (TorchScript files only).
  std::string content_hash;
  /// The normalization applied before a TorchScript model (identity for a run).
  models::InputNormalization input;
  /// The model record `dign export` stores in its TorchScript archives; null otherwise.
  nlohmann::json export_record;
};

/// Loads the checkpoint `which` (best | last | a path) of the run in `dir`. dign::Error
/// naming the file for a missing, damaged or foreign checkpoint or config.json.
LoadedRun load_run(const std::string& dir, const std::string& which = "best");

/// True when `model` names a file (a TorchScript model) rather than a run directory.
bool is_model_file(const std::string& model);

/// Loads a TorchScript file (from torch.jit.script / torch.jit.trace, or dign export) onto the
/// CPU in eval mode, with `input` applied before it. dign::Error naming the file when it cannot
/// be read, is not a TorchScript archive (a dign checkpoint gets a hint), or has no forward.
LoadedRun load_scripted_model(const std::string& path, const models::InputNormalization& input);

}  // namespace dign::run
