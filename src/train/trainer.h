#pragma once
// The training loop of Algorithm 1 for any objective: epochs of shuffled
// batches, SGD with a step schedule, an evaluation after every epoch that
// keeps the best checkpoint, and a run directory (see run_files.h) that a
// run can be continued from exactly, however it was stopped.
//
//   run::TrainOptions o;  o.data.path = "synthetic";  o.out = "runs/a";  o.epochs = 5;
//   TrainSummary s = run_training(o, std::cout);
//   ...killed, or stopped by SIGINT...
//   s = resume_training("runs/a", saved_options("runs/a"), std::cout);
//
// Interruptions: the loop polls dign::stop_requested() between steps; when a
// signal asked to stop it writes a checkpoint and returns with interrupted_by set.
#include <ostream>
#include <string>

#include "run/train_options.h"

namespace dign::train {

struct TrainSummary {
  double best_accuracy = 0;  ///< on the selection set (test, or the --val-split hold-out)
  int64_t best_epoch = 0;    ///< 1-based
  double last_accuracy = 0;
  int64_t epochs = 0;         ///< completed
  std::string selection_set;  ///< "test" or "validation"
  double seconds = 0;
  double images_per_second = 0;
  int interrupted_by = 0;         ///< the signal that stopped the run early, or 0
  std::string checkpoint;         ///< the newest checkpoint
  bool already_finished = false;  ///< resume found nothing left to do
};

/// Starts a run in options.out, which must not hold one. dign::Error for bad
/// input (before anything is written), never exit().
TrainSummary run_training(const run::TrainOptions& options, std::ostream& out);

/// The options the run in `dir` was started with (from DIR/config.json).
run::TrainOptions saved_options(const std::string& dir);

/// Throws dign::Error naming the first option of `requested` that contradicts
/// `saved`. Only machine settings (threads, device), progress output,
/// checkpointing and --on-nonfinite may change, and --epochs may be raised.
void check_resume_options(const run::TrainOptions& saved, const run::TrainOptions& requested);

/// Continues the run in `dir` from its newest checkpoint (or from the start
/// when it has none) with `requested` options (see check_resume_options).
/// A finished run with no more epochs requested is left untouched.
TrainSummary resume_training(const std::string& dir, const run::TrainOptions& requested,
                             std::ostream& out);

}  // namespace dign::train
