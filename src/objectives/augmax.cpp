#include "objectives/augmax.h"

#include "attacks/augmax_search.h"
#include "objectives/divergence.h"
#include "objectives/multi_view.h"
#include "objectives/objective.h"

namespace dign::objectives {
namespace {

class AugMax : public Objective {
 public:
  explicit AugMax(AugMaxOptions options) : options_(options) { options_.validate(); }
  std::string name() const override { return AugMaxOptions::kName; }
  ObjectiveOutput compute(models::ClassifierImpl& model, const Batch& batch,
                          torch::Generator& generator) override {
    // The stacked chains [N,3,k*S,S] as [N,k,3,S,S].
    const auto& stacked = batch.view(kAugMaxChains);
    const int64_t size = batch.images.size(2);
    const auto chains =
        stacked.view({stacked.size(0), 3, kAugMaxChainCount, size, -1}).permute({0, 2, 1, 3, 4});
    attacks::AugMaxSettings settings;
    settings.steps = options_.augmax_steps();
    settings.step_size = options_.augmax_step_size();
    // The search first, then the training forwards (per view or concatenated, as for every
    // multi-view method).
    const auto found =
        attacks::augmax_search(model, batch.images, chains, batch.labels, settings, generator);
    const auto logits = forward_views(
        model, {batch.images, batch.view(kAugMixViews[0]), found.images}, options_.concat_views());
    auto ce = cross_entropy(logits[0], batch.labels);
    auto js = jensen_shannon(logits).mean();
    auto loss = ce + options_.augmix().js_weight() * js;
    return {loss, logits[0].detach(), {{"ce", ce.detach()}, {"js", js.detach()}}};
  }

 private:
  AugMaxOptions options_;
};

}  // namespace

std::unique_ptr<Objective> make_objective(const AugMaxOptions& options) {
  return std::make_unique<AugMax>(options);
}

}  // namespace dign::objectives
