#include "objectives/standard.h"

#include "objectives/divergence.h"

namespace dign::objectives {

ObjectiveOutput Standard::compute(models::ClassifierImpl& model, const Batch& batch,
                                  torch::Generator& /*generator*/) {
  auto logits = model.forward(batch.images);
  auto ce = cross_entropy(logits, batch.labels);
  return {ce, logits, {{"ce", ce.detach()}}};
}

}  // namespace dign::objectives
