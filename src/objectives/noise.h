#pragma once
// Gaussian perturbations in [0,1] pixel units, drawn from an explicit generator.
// No clipping: Eq. 4, 6 and 12 add delta to x as is.
#include <torch/torch.h>

namespace dign::objectives {

/// x + delta with delta ~ N(0, sigma^2 I) and a fixed sigma (RSE, Eq. 4).
torch::Tensor add_gaussian_noise(const torch::Tensor& images, double sigma,
                                 torch::Generator& generator);

/// x + delta with a fresh sigma ~ U(0, sigma_max) for each example and
/// delta ~ N(0, sigma^2 I) (Algorithm 1). images [N,3,H,W].
/// With keep_prob < 1 each element of delta is kept with probability keep_prob and zeroed
/// otherwise (the paper's masking, A.8: per element, so per channel).
torch::Tensor add_diverse_gaussian_noise(const torch::Tensor& images, double sigma_max,
                                         torch::Generator& generator, double keep_prob = 1.0);

}  // namespace dign::objectives
