#pragma once
// AugMax's search (Wang et al. 2021, as the paper's code runs it): per image, the weights that
// mix its unmixed AugMix chains a_1..a_k with the image,
//   x_adv = (1 - m) x + m sum_i softmax(q)_i a_i,   m in [0,1], q in R^k,
// start from m ~ U(0,1), q ~ U(0,1)^k and take `steps` signed steps of `step_size` up the
// batch-mean cross-entropy (m clamped to [0,1], q free: softmax keeps the weights on the
// simplex). The model is in eval mode meanwhile (BatchNorm's running statistics) and back in
// its own mode afterwards; gradients are taken with respect to m and q only.
//
//   auto found = attacks::augmax_search(model, images, chains, labels, {}, generator);
//   found.images;  // detached x_adv, in [0,1]
#include <torch/torch.h>

#include <cstdint>

#include "models/classifier.h"

namespace dign::attacks {

struct AugMaxSettings {
  int64_t steps = 10;      ///< the paper's code and AugMax's README for CIFAR
  double step_size = 0.1;  ///< AugMax's alpha
};

struct AugMaxResult {
  torch::Tensor images;  ///< x_adv [N,3,H,W], detached
  torch::Tensor m;       ///< [N] in [0,1]
  torch::Tensor q;       ///< [N,k]
};

/// The mixture for given weights: images [N,3,H,W], chains [N,k,3,H,W], m [N], q [N,k].
torch::Tensor augmax_mix(const torch::Tensor& images, const torch::Tensor& chains,
                         const torch::Tensor& m, const torch::Tensor& q);

/// Runs the search; `generator` draws the start of m and q.
AugMaxResult augmax_search(models::ClassifierImpl& model, const torch::Tensor& images,
                           const torch::Tensor& chains, const torch::Tensor& labels,
                           const AugMaxSettings& settings, torch::Generator& generator);

}  // namespace dign::attacks
