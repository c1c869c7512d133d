#pragma once
// One optimizer step, exactly as `dign train` takes it; `dign bench train`
// times this same function, so the benchmark measures the real step.
//
//   auto r = training_step(*model, *objective, optimizer, batch, generator, Precision::kFp32);
//   if (!r.finite) ...  // nothing was applied
#include <torch/torch.h>

#include "core/machine.h"
#include "models/classifier.h"
#include "objectives/objective.h"
#include "run/train_options.h"
#include "train/hooks.h"

namespace dign::train {

/// The optimizer `dign train` steps: SGD with `options`' learning rate, momentum, Nesterov
/// flag and weight decay (the paper's by default).
std::unique_ptr<torch::optim::SGD> make_optimizer(torch::nn::Module& model,
                                                  const run::TrainOptions& options);

struct StepResult {
  objectives::ObjectiveOutput output;
  double loss = 0.0;
  /// Loss and every gradient finite; only then was the optimizer stepped.
  bool finite = false;
};

/// The objective's forward passes under `precision`'s autocast, the backward pass,
/// hooks.after_backward, a check that loss and gradients are finite (hooks.agree_finite has
/// the last word), and the optimizer step when they are. `poison_loss` multiplies the loss
/// by NaN first (fault injection in tests).
StepResult training_step(models::ClassifierImpl& model, objectives::Objective& objective,
                         torch::optim::Optimizer& optimizer, const objectives::Batch& batch,
                         torch::Generator& generator, Precision precision, TrainerHooks& hooks,
                         bool poison_loss = false);
/// The same without hooks (one process; the benchmark).
StepResult training_step(models::ClassifierImpl& model, objectives::Objective& objective,
                         torch::optim::Optimizer& optimizer, const objectives::Batch& batch,
                         torch::Generator& generator, Precision precision);

}  // namespace dign::train
