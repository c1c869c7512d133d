#pragma once
// The training loop of Algorithm 1 for any objective: epochs of shuffled
// batches, SGD with a step schedule, an evaluation after every epoch that
// keeps the best checkpoint and the last, and a run directory holding
// config.json, log.jsonl, best.ckpt, last.ckpt and metrics.json.
//
//   TrainOptions o;  o.data.path = "synthetic";  o.out = "runs/a";  o.epochs = 5;
//   TrainSummary s = run_training(o, std::cout);
#include <ostream>
#include <string>

#include "train/train_options.h"

namespace dign::train {

struct TrainSummary {
  double best_accuracy = 0;  ///< on the selection set (test, or the --val-split hold-out)
  int64_t best_epoch = 0;    ///< 1-based
  double last_accuracy = 0;
  int64_t epochs = 0;
  std::string selection_set;  ///< "test" or "validation"
  double seconds = 0;
  double images_per_second = 0;
};

/// Trains as `options` say, writing the run directory; progress lines go to `out`.
/// dign::Error for bad input (before anything is written), never exit().
TrainSummary run_training(const TrainOptions& options, std::ostream& out);

}  // namespace dign::train
