#pragma once
// Training runs: start one in a fresh directory, or continue one from its newest checkpoint,
// exactly as if it had never stopped (see run/run_files.h for what a run directory holds).
//
//   TrainOptions o;  o.data.path = "synthetic";  o.out = "runs/a";  o.epochs = 5;
//   StreamProgress progress(std::cout);
//   TrainSummary s = run_training(o, progress);
//   ...killed, or stopped by SIGINT...
//   s = resume_training("runs/a", saved_options("runs/a"), progress);
//
// Interruptions: the loop polls dign::stop_requested() between steps; when a signal asked
// to stop, a checkpoint is written and the summary says which signal it was.
#include <memory>
#include <string>

#include "core/progress.h"
#include "distributed/process_group.h"
#include "run/train_options.h"

namespace dign::train {

/// Data-parallel training (torchrun, dign launch): this process's group of ranks. Each rank
/// trains on its shard of every epoch with options.batch_size / ranks images per step;
/// gradients are averaged; rank 0 alone writes the run directory. No group: one process.
struct DataParallel {
  std::shared_ptr<distributed::ProcessGroup> group;
  /// Gradient bytes per all-reduce (--bucket-mb). Default: 25 MiB, as PyTorch's DDP.
  int64_t bucket_bytes = int64_t{25} << 20;
};

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

/// Starts a run in options.out, which must not hold one. dign::Error for bad input (before
/// anything is written), never exit().
TrainSummary run_training(const run::TrainOptions& options, Progress& progress,
                          const DataParallel& parallel = {});

/// The options the run in `dir` was started with (from DIR/config.json).
run::TrainOptions saved_options(const std::string& dir);

/// Throws dign::Error naming the first option of `requested` that contradicts `saved`. Only
/// machine settings (threads, loader threads, device), checkpointing and --on-nonfinite may
/// change, and --epochs may be raised.
void check_resume_options(const run::TrainOptions& saved, const run::TrainOptions& requested);

/// Continues the run in `dir` from its newest checkpoint (or from the start when it has
/// none) with `requested` options (see check_resume_options). A finished run with no more
/// epochs requested is left untouched.
TrainSummary resume_training(const std::string& dir, const run::TrainOptions& requested,
                             Progress& progress, const DataParallel& parallel = {});

}  // namespace dign::train
