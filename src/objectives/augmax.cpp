#include "objectives/augmax.h"

#include "attacks/augmax_search.h"
#include "models/dual_norm.h"
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
    const auto& augmix = batch.view(kAugMixViews[0]);
    // The search first, then the training forwards (per view or concatenated, as for every
    // multi-view method).
    if (!models::has_dual_norm(model)) {  // --norm bn: the paper's AugMax
      const auto found =
          attacks::augmax_search(model, batch.images, chains, batch.labels, settings, generator);
      return output(
          forward_views(model, {batch.images, augmix, found.images}, options_.concat_views()),
          batch.labels);
    }
    // --norm dubin, as AugMax's code (augmax_training_ddp.py:256-281): the AugMax images are
    // searched and trained on under the auxiliary BatchNorms, then the AugMix view and the clean
    // one go through the main ones, in that order. The route holds for a whole forward, so with
    // --concat-views the AugMax view is a forward of its own and only the other two are joined.
    torch::Tensor augmax_logits;
    {
      models::NormRouteGuard auxiliary(model, models::NormRoute::auxiliary);
      const auto found =
          attacks::augmax_search(model, batch.images, chains, batch.labels, settings, generator);
      augmax_logits = model.forward(found.images);
    }
    const auto main = forward_views(model, {augmix, batch.images}, options_.concat_views());
    return output({main[1], main[0], augmax_logits}, batch.labels);
  }

 private:
  /// CE on the clean logits + js_weight * JS over {clean, AugMix, AugMax} logits.
  ObjectiveOutput output(const std::vector<torch::Tensor>& logits, const torch::Tensor& labels) {
    auto ce = cross_entropy(logits[0], labels);
    auto js = jensen_shannon(logits).mean();
    auto loss = ce + options_.augmix().js_weight() * js;
    return {loss, logits[0].detach(), {{"ce", ce.detach()}, {"js", js.detach()}}};
  }

  AugMaxOptions options_;
};

}  // namespace

std::unique_ptr<Objective> make_objective(const AugMaxOptions& options) {
  return std::make_unique<AugMax>(options);
}

}  // namespace dign::objectives
