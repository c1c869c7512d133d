#pragma once
// `dign experiment run`: trains, evaluates and measures the landscape of a grid's runs, in
// process and one at a time, through the library's own entry points (train::run_training /
// resume_training, eval::run_evaluation, landscape::run_landscape). A finished run is skipped,
// an interrupted one resumed exactly (`dign train --resume`), a run found under the runs root
// with the same settings (run_state.h) reused; so a grid killed at any point and started
// again loses nothing and redoes nothing finished.
//
//   Grid g = load_grid("experiments/cifar10-cpu.json");
//   int code = run_grid(g, RunnerOptions(), progress);  // 0, or 128 + signal when stopped
#include <string>

#include "core/machine_options.h"
#include "core/progress.h"
#include "experiment/grid.h"

namespace dign::experiment {

struct RunnerOptions {
  /// One job only (a run's name, or the landscape job's); empty = the whole grid in order.
  std::string only;
  /// Threads and device for every run (machine settings: not part of a run's identity).
  int threads = 0;
  std::string device = "auto";
  int64_t loader_threads = 0;
};

/// Returns 0 when every job it was given is done (or, for the whole grid, left to another
/// process that holds it), 128 + the signal when a SIGINT or SIGTERM stopped it (the run's
/// checkpoint is written). dign::Error for bad input or a run that fails.
int run_grid(const Grid& grid, const RunnerOptions& options, Progress& progress);

}  // namespace dign::experiment
