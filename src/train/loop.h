#pragma once
// The training loop of Algorithm 1 for any objective: epochs of shuffled batches, SGD with
// the run's schedule, and the selection metric after every epoch. It keeps the position in
// a run::TrainState and leaves everything else (checkpoints, logs, several processes) to its
// hooks (hooks.h). Every random draw comes from (seed, purpose, epoch, batch or image).
//
//   TrainingLoop loop(options, machine, data, *model, *objective, *optimizer, progress);
//   const int signal = loop.run(state, hooks);   // 0: all epochs done
#include <functional>
#include <string>

#include "core/error.h"
#include "core/machine.h"
#include "core/progress.h"
#include "data/loader.h"
#include "models/classifier.h"
#include "objectives/objective.h"
#include "run/train_options.h"
#include "run/train_state.h"
#include "train/hooks.h"
#include "train/step.h"
#include "train/training_data.h"

namespace dign::train {

/// A non-finite loss or gradient under --on-nonfinite stop; what() names the step.
class Diverged : public Error {
 public:
  using Error::Error;
};

class TrainingLoop {
 public:
  /// Everything is borrowed and must outlive the loop.
  TrainingLoop(const run::TrainOptions& options, const Machine& machine, const TrainingData& data,
               models::ClassifierImpl& model, objectives::Objective& objective,
               torch::optim::Optimizer& optimizer, Progress& progress);

  TrainingLoop(const TrainingLoop&) = delete;
  TrainingLoop& operator=(const TrainingLoop&) = delete;

  /// The metric the best checkpoint is chosen by (higher is better; the state keeps it as
  /// best_accuracy), and its key in the log. Default: top-1 accuracy on data.selection
  /// ("test_accuracy" or "validation_accuracy").
  void set_selection_metric(std::string log_key,
                            std::function<double(models::ClassifierImpl&)> metric);

  /// Data parallelism: this process is rank `rank` of `world`. It takes its shard of every
  /// epoch's order (data/sampler.h) in batches of options.batch_size / world (the global batch
  /// stays options.batch_size), and its objective draws from a stream of its own. Default: 0, 1.
  void set_shard(int rank, int world);

  /// Trains from `state` to options.epochs. Returns 0, or the signal (dign::stop_requested)
  /// that stopped it between two steps; `state` is then where it stopped. Throws Diverged.
  int run(run::TrainState& state, TrainerHooks& hooks);

 private:
  StepResult step(const data::HostBatch& host, int64_t num_batches, run::TrainState& state,
                  TrainerHooks& hooks);
  void end_epoch(double lr, run::TrainState& state, TrainerHooks& hooks);

  const run::TrainOptions& o_;
  const Machine& machine_;
  const TrainingData& data_;
  models::ClassifierImpl& model_;
  objectives::Objective& objective_;
  torch::optim::Optimizer& optimizer_;
  Progress& progress_;
  int rank_ = 0, world_ = 1;
  std::string selection_key_;
  std::function<double(models::ClassifierImpl&)> selection_;
};

}  // namespace dign::train
