#include "objectives/rse.h"

#include "core/error.h"
#include "objectives/divergence.h"
#include "objectives/noise.h"

namespace dign::objectives {

Rse::Rse(RseOptions options) : options_(options) {
  options_.validate();
}

ObjectiveOutput Rse::compute(models::ClassifierImpl& model, const Batch& batch,
                             torch::Generator& generator) {
  auto logits = model.forward(add_gaussian_noise(batch.images, options_.sigma(), generator));
  auto ce = cross_entropy(logits, batch.labels);
  return {ce, logits.detach(), {{"ce", ce.detach()}}};
}

}  // namespace dign::objectives
