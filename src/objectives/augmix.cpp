#include "objectives/augmix.h"

#include "objectives/divergence.h"
#include "objectives/multi_view.h"
#include "objectives/objective.h"

namespace dign::objectives {
namespace {

class AugMixObjective : public Objective {
 public:
  explicit AugMixObjective(AugMixOptions options) : options_(options) { options_.validate(); }
  std::string name() const override { return AugMixOptions::kName; }
  ObjectiveOutput compute(models::ClassifierImpl& model, const Batch& batch,
                          torch::Generator&) override {
    const auto logits = forward_views(
        model, {batch.images, batch.view(kAugMixViews[0]), batch.view(kAugMixViews[1])},
        options_.concat_views());
    auto ce = cross_entropy(logits[0], batch.labels);
    auto js = jensen_shannon(logits).mean();
    auto loss = ce + options_.augmix().js_weight() * js;
    return {loss, logits[0].detach(), {{"ce", ce.detach()}, {"js", js.detach()}}};
  }

 private:
  AugMixOptions options_;
};

}  // namespace

std::unique_ptr<Objective> make_objective(const AugMixOptions& options) {
  return std::make_unique<AugMixObjective>(options);
}

}  // namespace dign::objectives
