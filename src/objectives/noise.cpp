#include "objectives/noise.h"

namespace dign::objectives {

torch::Tensor add_gaussian_noise(const torch::Tensor& images, double sigma,
                                 torch::Generator& generator) {
  auto delta = at::normal(0.0, 1.0, images.sizes(), generator, images.options());
  return images + sigma * delta;
}

torch::Tensor add_diverse_gaussian_noise(const torch::Tensor& images, double sigma_max,
                                         torch::Generator& generator, double keep_prob) {
  std::vector<int64_t> sigma_shape(images.dim(), 1);
  sigma_shape[0] = images.size(0);
  auto sigma = at::empty(sigma_shape, images.options()).uniform_(0.0, sigma_max, generator);
  auto delta = at::normal(0.0, 1.0, images.sizes(), generator, images.options());
  if (keep_prob < 1.0) {
    // Drawn after the noise, so an unmasked run's draws are unchanged.
    delta = delta * at::empty(images.sizes(), images.options()).bernoulli_(keep_prob, generator);
  }
  return images + sigma * delta;
}

}  // namespace dign::objectives
