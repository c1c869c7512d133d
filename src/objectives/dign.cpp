#include "objectives/dign.h"

#include "objectives/divergence.h"
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
  // The same draws, in the same order, whichever way the views are computed.
  torch::Tensor clean_logits;
  std::vector<torch::Tensor> noisy_logits;
  if (options_.concat_views()) {
    std::vector<torch::Tensor> views = {batch.images};
    for (int64_t k = 0; k < n; ++k) {
      views.push_back(add_diverse_gaussian_noise(batch.images, options_.sigma_max(), generator,
                                                 options_.mask_prob()));
    }
    auto logits = model.forward(torch::cat(views, 0)).chunk(n + 1, 0);
    clean_logits = logits[0];
    noisy_logits.assign(logits.begin() + 1, logits.end());
  } else {
    // One forward per view, as the paper's code does; BatchNorm then sees each view's own
    // batch statistics.
    clean_logits = model.forward(batch.images);
    for (int64_t k = 0; k < n; ++k) {
      auto view = add_diverse_gaussian_noise(batch.images, options_.sigma_max(), generator,
                                             options_.mask_prob());
      noisy_logits.push_back(model.forward(view));
    }
  }
  auto ce = cross_entropy(clean_logits, batch.labels);
  torch::Tensor consistency = torch::zeros({}, ce.options());
  if (options_.consistency() == "js") {
    std::vector<torch::Tensor> all = {clean_logits};
    all.insert(all.end(), noisy_logits.begin(), noisy_logits.end());
    consistency = jensen_shannon(all).mean();
  } else {
    for (const auto& logits : noisy_logits) {
      consistency = consistency + kl_divergence(clean_logits, logits).mean();
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
