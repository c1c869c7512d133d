#include "objectives/rse.h"

#include "core/error.h"
#include "objectives/divergence.h"
#include "objectives/noise.h"

namespace dign::objectives {

void RseOptions::validate() const {
  DIGN_CHECK(sigma() >= 0, "--sigma: expected a value >= 0, got ", sigma());
  DIGN_CHECK(ensemble() >= 1, "--ensemble: expected at least 1 copy, got ", ensemble());
}

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
