#pragma once
// Internal to the trainer: everything one training process holds (options, run
// directory and lock, data, model, optimizer, position), split from trainer.cpp
// for size. Setting up, resuming and checkpointing live in session.cpp; the
// training loop in trainer.cpp.
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <ostream>
#include <string>
#include <tuple>

#include "data/loader.h"
#include "models/classifier.h"
#include "objectives/objective.h"
#include "run/run_files.h"
#include "run/run_lock.h"
#include "run/train_options.h"
#include "run/train_state.h"
#include "train/trainer.h"
#include "train/training_data.h"

namespace dign::train::internal {

class Session {
 public:
  Session(run::TrainOptions options, std::ostream& out) : o_(std::move(options)), out_(out) {}

  /// A fresh run: builds the model and writes config.json. Validates all input first.
  void start();
  /// Continues the run in o_.out. Returns false when there is nothing left to do.
  bool resume(const nlohmann::json& config);
  /// The training loop, from the current position to the last epoch or a stop request.
  TrainSummary train();
  TrainSummary finished_summary() const;

 private:
  run::RunFiles files() const { return run::RunFiles(o_.out); }
  void resolve_machine(const std::string& precision);
  void build_model();
  /// Reads the state of the newest readable checkpoint; false when the run has none.
  bool load_newest_checkpoint_meta();
  void write_log() const;
  nlohmann::json checkpoint_meta() const;
  /// Writes a checkpoint of the current position unless the newest one already is.
  void save();
  void train_step(const data::HostBatch& host, int64_t num_batches);
  void end_epoch(double lr);
  TrainSummary summary() const;

  run::TrainOptions o_;
  std::ostream& out_;
  std::unique_ptr<run::RunLock> lock_;
  int threads_ = 1;
  std::string device_name_, precision_, memory_format_;
  torch::Device device_{torch::kCPU};
  TrainingData data_;
  nlohmann::json model_json_, config_;
  models::Classifier model_{nullptr};
  std::unique_ptr<objectives::Objective> objective_;
  std::unique_ptr<torch::optim::SGD> optimizer_;
  run::TrainState state_;
  std::tuple<int64_t, int64_t, int64_t> saved_position_{-1, -1, -1};
  std::string newest_checkpoint_;
};

}  // namespace dign::train::internal
