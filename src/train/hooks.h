#pragma once
// The points at which code outside the training loop (loop.h) takes part in it: the run
// layer checkpoints and logs there; data-parallel training averages gradients and agrees on
// skipping a step there. Every hook has a do-nothing default.

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
  /// After each step; `state` is the position after it.
  virtual void end_of_step(const run::TrainState& /*state*/, const StepInfo& /*step*/) {}
  /// After each epoch's selection metric.
  virtual void end_of_epoch(const run::TrainState& /*state*/, const EpochInfo& /*epoch*/) {}
};

}  // namespace dign::train
