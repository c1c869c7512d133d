#include "train/step.h"

#include <cmath>
#include <limits>
#include <vector>

#include "core/autocast.h"

namespace dign::train {
namespace {

bool gradients_finite(torch::nn::Module& model) {
  std::vector<torch::Tensor> peaks;
  for (const auto& p : model.parameters()) {
    if (p.grad().defined()) peaks.push_back(p.grad().abs().max().to(torch::kFloat32));
  }
  return peaks.empty() || torch::stack(peaks).isfinite().all().item<bool>();
}

}  // namespace

std::unique_ptr<torch::optim::SGD> make_optimizer(torch::nn::Module& model,
                                                  const run::TrainOptions& options) {
  return std::make_unique<torch::optim::SGD>(model.parameters(),
                                             torch::optim::SGDOptions(options.lr)
                                                 .momentum(options.momentum)
                                                 .nesterov(options.nesterov)
                                                 .weight_decay(options.weight_decay));
}

StepResult training_step(models::ClassifierImpl& model, objectives::Objective& objective,
                         torch::optim::Optimizer& optimizer, const objectives::Batch& batch,
                         torch::Generator& generator, Precision precision, TrainerHooks& hooks,
                         bool poison_loss) {
  StepResult r;
  {
    AutocastScope autocast(precision, batch.images.device());
    r.output = objective.compute(model, batch, generator);
  }
  if (poison_loss) r.output.loss = r.output.loss * std::numeric_limits<double>::quiet_NaN();
  r.loss = r.output.loss.item<double>();
  optimizer.zero_grad();
  const bool loss_finite = std::isfinite(r.loss);
  // A non-finite loss leaves the gradients zero; the hooks run either way, so that every
  // data-parallel rank takes part in the same collectives.
  if (loss_finite) r.output.loss.backward();
  hooks.after_backward(model);
  r.finite = hooks.agree_finite(loss_finite && gradients_finite(model));
  if (r.finite) optimizer.step();
  return r;
}

StepResult training_step(models::ClassifierImpl& model, objectives::Objective& objective,
                         torch::optim::Optimizer& optimizer, const objectives::Batch& batch,
                         torch::Generator& generator, Precision precision) {
  TrainerHooks none;
  return training_step(model, objective, optimizer, batch, generator, precision, none);
}

}  // namespace dign::train
