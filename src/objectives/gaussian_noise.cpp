#include "objectives/gaussian_noise.h"

#include "core/error.h"
#include "objectives/divergence.h"
#include "objectives/noise.h"

namespace dign::objectives {

GaussianNoise::GaussianNoise(GaussianNoiseOptions options) : options_(options) {
  options_.validate();
}

ObjectiveOutput GaussianNoise::compute(models::ClassifierImpl& model, const Batch& batch,
                                       torch::Generator& generator) {
  auto noisy = add_diverse_gaussian_noise(batch.images, options_.sigma_max(), generator);
  auto logits = model.forward(noisy);
  auto ce = cross_entropy(logits, batch.labels);
  // The logits reported for training accuracy are those of the noisy inputs:
  // no clean forward pass is spent on logging.
  return {ce, logits.detach(), {{"ce", ce.detach()}}};
}

}  // namespace dign::objectives
