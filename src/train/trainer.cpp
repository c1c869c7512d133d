#include "train/trainer.h"

#include <filesystem>

#include "core/error.h"
#include "run/run_config.h"
#include "run/run_files.h"
#include "train/training_run.h"

namespace dign::train {

TrainSummary run_training(const run::TrainOptions& options, Progress& progress,
                          const DataParallel& parallel) {
  internal::TrainingRun run(options, progress, parallel);
  run.start();
  return run.train();
}

run::TrainOptions saved_options(const std::string& dir) {
  const std::string path = run::RunFiles(dir).config();
  DIGN_CHECK_OPTION(std::filesystem::exists(path), "resume", dir, ": no run to resume (", path,
                    " is missing)");
  run::TrainOptions o = run::read_run_config(path).options;
  o.out = dir;
  return o;
}

void check_resume_options(const run::TrainOptions& saved, const run::TrainOptions& requested) {
  requested.validate();
  DIGN_CHECK_OPTION(requested.epochs >= saved.epochs, "epochs", requested.epochs,
                    ": the run was started with ", saved.epochs,
                    " epochs; they may be raised, not lowered");
  nlohmann::json a = to_json(saved), b = to_json(requested);
  // What may change between sessions of one run: the machine and the bookkeeping.
  for (const char* key :
       {"out", "epochs", "threads", "loader_threads", "device", "eval_batch_size",
        "checkpoint_every", "keep_last", "on_nonfinite", "precision", "memory_format"}) {
    a.erase(key);
    b.erase(key);
  }
  const auto& was = saved.machine.precision;
  const auto& now = requested.machine.precision;
  DIGN_CHECK_OPTION(was == now || now == "auto", "precision", now, " contradicts the run's ", was);
  const nlohmann::json diff = nlohmann::json::diff(a, b);
  if (!diff.empty()) {
    const std::string where = diff.front().at("path").get<std::string>();
    const auto pointer = nlohmann::json::json_pointer(where);
    throw Error(detail::concat("option ", where.substr(1), " = ",
                               b.contains(pointer) ? b.at(pointer).dump() : "unset",
                               " contradicts the run's config.json (",
                               a.contains(pointer) ? a.at(pointer).dump() : "unset",
                               "); drop it to resume, or start a fresh --out"));
  }
}

TrainSummary resume_training(const std::string& dir, const run::TrainOptions& requested,
                             Progress& progress, const DataParallel& parallel) {
  check_resume_options(saved_options(dir), requested);
  run::TrainOptions o = requested;
  o.out = dir;
  internal::TrainingRun run(o, progress, parallel);
  if (!run.resume()) return run.finished_summary();
  return run.train();
}

}  // namespace dign::train
