#include "objectives/dign.h"

#include "core/error.h"
#include "objectives/divergence.h"
#include "objectives/noise.h"

namespace dign::objectives {

Dign::Dign(DignOptions options) : options_(options) {
  options_.validate();
}

ObjectiveOutput Dign::compute(models::ClassifierImpl& model, const Batch& batch,
                              torch::Generator& generator) {
  auto clean_logits = model.forward(batch.images);
  auto ce = cross_entropy(clean_logits, batch.labels);
  // One forward per noisy view, as the paper's code does; BatchNorm then sees
  // each view's own batch statistics.
  torch::Tensor consistency = torch::zeros({}, ce.options());
  for (int64_t k = 0; k < options_.samples(); ++k) {
    auto noisy = add_diverse_gaussian_noise(batch.images, options_.sigma_max(), generator);
    consistency = consistency + kl_divergence(clean_logits, model.forward(noisy)).mean();
  }
  consistency = consistency / static_cast<double>(options_.samples());
  auto loss = ce + options_.lambda() * consistency;
  return {loss, clean_logits, {{"ce", ce.detach()}, {"kl", consistency.detach()}}};
}

}  // namespace dign::objectives
