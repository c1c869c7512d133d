#pragma once
// The points at which code outside the training loop (loop.h) takes part in it: the run
// layer checkpoints and logs there; data-parallel training averages gradients and agrees on
// skipping a step there. Every hook has a do-nothing default.
//
//   struct PrintEpochs : TrainerHooks {
//     void end_of_epoch(const run::TrainState& s, const EpochInfo& e) override {
//       fmt::print("epoch {}: {:.3f}\n", s.epoch, e.selection_metric);
//     }
//   };
//   PrintEpochs hooks;
//   loop.run(state, hooks);   // loop.h

#include <cstdint>

#include "models/classifier.h"
#include "objectives/objective.h"
#include "run/train_state.h"

namespace dign::train {

/// A step that has just been taken (or skipped).
struct StepInfo {
  int64_t num_batches = 0;  ///< batches in this epoch
  bool applied = false;     ///< the optimizer stepped (loss and gradients finite)
  const objectives::ObjectiveOutput* output = nullptr;
};

/// An epoch that has just ended: the state already counts it (epoch, log, best).
struct EpochInfo {
  double lr = 0;
  double selection_metric = 0;
  bool improved = false;  ///< a new best selection metric
};

class TrainerHooks {
 public:
  virtual ~TrainerHooks() = default;
  /// After the backward pass (every step, gradients zero when the loss was not finite), before
  /// they are checked and applied: where gradients are averaged across data-parallel ranks.
  virtual void after_backward(models::ClassifierImpl& /*model*/) {}
  /// Whether to apply this step, given whether its loss and gradients are finite here:
  /// data-parallel ranks agree, so that every rank skips a step or none does.
  virtual bool agree_finite(bool finite) { return finite; }
  /// Before each step, the stop signal to act on (0 = go on), given this process's
  /// (dign::stop_requested): data-parallel ranks agree, so that all stop after the same step.
  virtual int agree_stop(int signal) { return signal; }
  /// The step's totals as the log counts them (float64: loss x images, correct, images, then
  /// each term x images), this process's: data-parallel ranks sum them in place, so that every
  /// rank counts the whole global batch.
  virtual void sum_step_totals(torch::Tensor& /*totals*/) {}
  /// Before the selection metric at an epoch's end: data-parallel ranks take rank 0's
  /// BatchNorm statistics, so that every rank evaluates (and rank 0 saves) the same model.
  virtual void before_evaluation(models::ClassifierImpl& /*model*/) {}
  /// After each step; `state` is the position after it.
  virtual void end_of_step(const run::TrainState& /*state*/, const StepInfo& /*step*/) {}
  /// After each epoch's selection metric.
  virtual void end_of_epoch(const run::TrainState& /*state*/, const EpochInfo& /*epoch*/) {}
};

}  // namespace dign::train
