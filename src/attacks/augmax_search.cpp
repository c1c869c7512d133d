#include "attacks/augmax_search.h"

#include "core/error.h"
#include "models/eval_mode_guard.h"

namespace dign::attacks {

torch::Tensor augmax_mix(const torch::Tensor& images, const torch::Tensor& chains,
                         const torch::Tensor& m, const torch::Tensor& q) {
  const auto weights = torch::softmax(q, 1).view({q.size(0), q.size(1), 1, 1, 1});
  const auto mixed = (weights * chains).sum(1);
  const auto mm = m.view({-1, 1, 1, 1});
  return (1 - mm) * images + mm * mixed;
}

AugMaxResult augmax_search(models::ClassifierImpl& model, const torch::Tensor& images,
                           const torch::Tensor& chains, const torch::Tensor& labels,
                           const AugMaxSettings& settings, torch::Generator& generator) {
  DIGN_CHECK(chains.dim() == 5 && chains.size(0) == images.size(0) &&
                 chains.size(2) == images.size(1) && chains.size(3) == images.size(2) &&
                 chains.size(4) == images.size(3),
             "augmax_search: chains must be [N,k,3,H,W] for images ", images.sizes());
  DIGN_CHECK(settings.steps >= 0 && settings.step_size >= 0,
             "augmax_search: steps and step size must be >= 0");
  const int64_t n = images.size(0), k = chains.size(1);
  const auto options = images.options();
  auto m = at::empty({n}, options).uniform_(0.0, 1.0, generator);
  auto q = at::empty({n, k}, options).uniform_(0.0, 1.0, generator);
  const auto x = images.detach();
  const auto a = chains.detach();
  {
    models::EvalModeGuard eval(model);
    for (int64_t step = 0; step < settings.steps; ++step) {
      m.requires_grad_(true);
      q.requires_grad_(true);
      const auto logits = model.forward(augmax_mix(x, a, m, q));
      // In fp32 at least (bf16 under autocast), as every loss in dign.
      const auto loss = torch::nn::functional::cross_entropy(
          logits.scalar_type() == torch::kDouble ? logits : logits.to(torch::kFloat32), labels);
      const auto grads = torch::autograd::grad({loss}, {m, q});
      torch::NoGradGuard no_grad;
      m = (m.detach() + settings.step_size * grads[0].sign()).clamp(0.0, 1.0);
      q = q.detach() + settings.step_size * grads[1].sign();
    }
  }
  torch::NoGradGuard no_grad;
  m = m.detach();
  q = q.detach();
  // A convex combination of images in [0,1]; the clamp only removes rounding.
  return {augmax_mix(x, a, m, q).clamp(0.0, 1.0), m, q};
}

}  // namespace dign::attacks
