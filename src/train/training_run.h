#pragma once
// Internal to the trainer (trainer.h): one training process's run, from its run directory to
// its last epoch. It sets the run up (or picks it up from the newest checkpoint), hands the
// steps to the training loop (loop.h) and, through the loop's hooks, writes the checkpoints,
// the log and the best model. The state the hooks are handed is the one checkpointed.
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "core/machine.h"
#include "core/progress.h"
#include "distributed/gradient_sync.h"
#include "models/classifier.h"
#include "objectives/objective.h"
#include "run/run_directory.h"
#include "run/train_options.h"
#include "run/train_state.h"
#include "train/hooks.h"
#include "train/loop.h"
#include "train/trainer.h"
#include "train/training_data.h"

namespace dign::train::internal {

class TrainingRun : public TrainerHooks {
 public:
  TrainingRun(run::TrainOptions options, Progress& progress, DataParallel parallel = {})
      : o_(std::move(options)), progress_(progress), parallel_(std::move(parallel)) {}

  /// A fresh run: validates all input first, then writes config.json.
  void start();
  /// Continues the run in options.out. Returns false when there is nothing left to do.
  bool resume();
  /// The loop, from the current position to the last epoch or a stop request.
  TrainSummary train();
  TrainSummary finished_summary() const;

  // Hooks of the loop: checkpoints, fault injection for the reliability tests, the log.
  void end_of_step(const run::TrainState& state, const StepInfo& step) override;
  void end_of_epoch(const run::TrainState& state, const EpochInfo& epoch) override;
  // Data parallelism (training_run_parallel.cpp): no-ops for one process.
  void after_backward(models::ClassifierImpl& model) override;
  bool agree_finite(bool finite) override;
  int agree_stop(int signal) override;
  void sum_step_totals(torch::Tensor& totals) override;
  void before_evaluation(models::ClassifierImpl& model) override;

 private:
  /// Rank 0 of a data-parallel run, or the only process: the one that writes the run.
  bool writer() const { return !parallel_.group || parallel_.group->rank() == 0; }
  int world() const { return parallel_.group ? parallel_.group->size() : 1; }
  /// Every rank's set-up outcome and `agreed` (options, data, checkpoint) compared, so that all
  /// ranks fail together, with one line, before training: rethrows this rank's `error`, else
  /// throws another rank's, or names the first entry of `agreed` where a rank differs.
  void agree(const nlohmann::json& agreed, std::exception_ptr error) const;
  /// What every rank must share: the options (less this machine's threads) and `extra`.
  nlohmann::json agreed_json(nlohmann::json extra) const;
  /// Same parameters and buffers everywhere, and the gradient buckets, before the first step.
  void start_data_parallel(TrainingLoop& loop);
  /// start() and resume() up to what every rank must agree on.
  nlohmann::json prepare_start();
  bool prepare_resume();
  void build_model();
  nlohmann::json checkpoint_meta(const run::TrainState& state) const;
  /// Writes a checkpoint of `state`'s position unless the newest one already is.
  void save(const run::TrainState& state);
  TrainSummary summary() const;

  run::TrainOptions o_;
  Progress& progress_;
  Machine machine_;
  std::optional<run::RunDirectory> dir_;
  TrainingData data_;
  nlohmann::json model_json_;
  models::Classifier model_{nullptr};
  std::unique_ptr<objectives::Objective> objective_;
  std::unique_ptr<torch::optim::SGD> optimizer_;
  run::TrainState state_;
  std::tuple<int64_t, int64_t, int64_t> saved_position_{-1, -1, -1};
  std::string newest_checkpoint_;
  DataParallel parallel_;
  std::unique_ptr<distributed::GradientSync> sync_;
};

}  // namespace dign::train::internal
