#include "objectives/deepaugment.h"

#include <cmath>

#include "core/rng.h"
#include "objectives/divergence.h"
#include "objectives/noise2net.h"
#include "objectives/objective.h"

namespace dign::objectives {
namespace {

class DeepAugment : public Objective {
 public:
  explicit DeepAugment(DeepAugmentOptions options) : options_(options) { options_.validate(); }
  std::string name() const override { return DeepAugmentOptions::kName; }
  ObjectiveOutput compute(models::ClassifierImpl& model, const Batch& batch,
                          torch::Generator& generator) override;

 private:
  DeepAugmentOptions options_;
};

/// The Noise2Net perturbation of images [Bn,3,H,W], a constant of the loss: the epoch's
/// architecture from (seed, "n2n-kernels", epoch); the batch's weights, then eps_b, from
/// `generator`.
torch::Tensor perturb(const torch::Tensor& images, const DeepAugmentOptions& options,
                      const Batch& batch, torch::Generator& generator) {
  torch::NoGradGuard no_grad;
  const auto shapes = draw_noise2net_shapes(
      derive_seed(batch.seed, {purpose_tag("n2n-kernels"), static_cast<uint64_t>(batch.epoch)}));
  const auto weights =
      draw_noise2net_weights(shapes, options.hidden(), images.size(0), generator, images.options());
  const double eps = at::empty({1}, images.options().dtype(torch::kFloat64))
                         .uniform_(options.eps() / 2, options.eps(), generator)
                         .item<double>();
  return noise2net_forward(images, weights, eps);
}

ObjectiveOutput DeepAugment::compute(models::ClassifierImpl& model, const Batch& batch,
                                     torch::Generator& generator) {
  const int64_t n = batch.images.size(0);
  // Python's int(B * ratio), as the reference sizes its network.
  const auto perturbed =
      static_cast<int64_t>(std::floor(static_cast<double>(n) * options_.fraction()));
  torch::Tensor inputs = batch.images;
  if (perturbed > 0) {
    inputs = torch::cat({perturb(batch.images.narrow(0, 0, perturbed), options_, batch, generator),
                         batch.images.narrow(0, perturbed, n - perturbed)});
  }
  auto logits = model.forward(inputs);
  auto ce = cross_entropy(logits, batch.labels);
  // Training accuracy is counted on the batch trained on, perturbed part included.
  return {ce, logits.detach(), {{"ce", ce.detach()}}};
}

}  // namespace

std::unique_ptr<Objective> make_objective(const DeepAugmentOptions& options) {
  return std::make_unique<DeepAugment>(options);
}

}  // namespace dign::objectives
