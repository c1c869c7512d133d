#include "objectives/dign.h"

#include "objectives/divergence.h"
#include "objectives/multi_view.h"
#include "objectives/noise.h"
#include "objectives/objective.h"

namespace dign::objectives {
namespace {

class Dign : public Objective {
 public:
  explicit Dign(DignOptions options) : options_(options) { options_.validate(); }
  std::string name() const override { return DignOptions::kName; }
  ObjectiveOutput compute(models::ClassifierImpl& model, const Batch& batch,
                          torch::Generator& generator) override;

 private:
  DignOptions options_;
};

ObjectiveOutput Dign::compute(models::ClassifierImpl& model, const Batch& batch,
                              torch::Generator& generator) {
  const int64_t n = options_.noisy_views();
  std::vector<torch::Tensor> views = {batch.images};
  for (int64_t k = 0; k < n; ++k) {
    views.push_back(add_diverse_gaussian_noise(batch.images, options_.sigma_max(), generator,
                                               options_.mask_prob()));
  }
  const auto logits = forward_views(model, views, options_.concat_views());
  const torch::Tensor& clean_logits = logits[0];
  auto ce = cross_entropy(clean_logits, batch.labels);
  torch::Tensor consistency = torch::zeros({}, ce.options());
  if (options_.consistency() == "js") {
    consistency = jensen_shannon(logits).mean();
  } else {
    for (int64_t k = 1; k <= n; ++k) {
      consistency = consistency + kl_divergence(clean_logits, logits[k]).mean();
    }
    consistency = consistency / static_cast<double>(n);
  }
  auto loss = ce + options_.lambda() * consistency;
  return {loss,
          clean_logits.detach(),
          {{"ce", ce.detach()}, {options_.consistency(), consistency.detach()}}};
}

}  // namespace

std::unique_ptr<Objective> make_objective(const DignOptions& options) {
  return std::make_unique<Dign>(options);
}

}  // namespace dign::objectives
