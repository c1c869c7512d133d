#include "objectives/dign_augmix.h"

#include "objectives/divergence.h"
#include "objectives/multi_view.h"
#include "objectives/noise.h"
#include "objectives/objective.h"

namespace dign::objectives {
namespace {

class DignAugMix : public Objective {
 public:
  explicit DignAugMix(DignAugMixOptions options) : options_(options) { options_.validate(); }
  std::string name() const override { return DignAugMixOptions::kName; }
  ObjectiveOutput compute(models::ClassifierImpl& model, const Batch& batch,
                          torch::Generator& generator) override {
    const int64_t n = options_.samples();
    // The paper's code's order: clean, the n noisy views, the two AugMix views.
    std::vector<torch::Tensor> views = {batch.images};
    for (int64_t k = 0; k < n; ++k) {
      views.push_back(add_diverse_gaussian_noise(batch.images, options_.sigma_max(), generator));
    }
    views.push_back(batch.view(kAugMixViews[0]));
    views.push_back(batch.view(kAugMixViews[1]));
    const auto logits = forward_views(model, views, options_.concat_views());

    auto ce = cross_entropy(logits[0], batch.labels);
    torch::Tensor kl = torch::zeros({}, ce.options());
    for (int64_t k = 1; k <= n; ++k) kl = kl + kl_divergence(logits[0], logits[k]).mean();
    kl = kl / static_cast<double>(n);
    auto js = jensen_shannon({logits[0], logits[n + 1], logits[n + 2]}).mean();
    auto loss = ce + options_.lambda() * kl + options_.augmix().js_weight() * js;
    return {
        loss, logits[0].detach(), {{"ce", ce.detach()}, {"kl", kl.detach()}, {"js", js.detach()}}};
  }

 private:
  DignAugMixOptions options_;
};

}  // namespace

std::unique_ptr<Objective> make_objective(const DignAugMixOptions& options) {
  return std::make_unique<DignAugMix>(options);
}

}  // namespace dign::objectives
