#pragma once
// A trained model as every reader of runs needs it (evaluation, the coming analysis and
// experiment commands): its checkpoint loaded into a freshly built network, with what the
// run recorded about it. The one place that turns a run directory back into a model.
//
//   LoadedRun run = load_run("runs/a", "best");
//   run.model->to(machine.device);
#include <nlohmann/json.hpp>

#include <string>

#include "models/classifier.h"
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
};

/// Loads the checkpoint `which` (best | last | a path) of the run in `dir`. dign::Error
/// naming the file for a missing, damaged or foreign checkpoint or config.json.
LoadedRun load_run(const std::string& dir, const std::string& which = "best");

}  // namespace dign::run
