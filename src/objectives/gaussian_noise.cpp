#include "objectives/gaussian_noise.h"

#include "objectives/divergence.h"
#include "objectives/noise.h"
#include "objectives/objective.h"

namespace dign::objectives {
namespace {

class GaussianNoise : public Objective {
 public:
  explicit GaussianNoise(GaussianNoiseOptions options) : options_(options) { options_.validate(); }
  std::string name() const override { return GaussianNoiseOptions::kName; }
  ObjectiveOutput compute(models::ClassifierImpl& model, const Batch& batch,
                          torch::Generator& generator) override {
    auto noisy = add_diverse_gaussian_noise(batch.images, options_.sigma_max(), generator);
    auto logits = model.forward(noisy);
    auto ce = cross_entropy(logits, batch.labels);
    // Training accuracy is counted on the noisy inputs: no clean forward pass is spent on
    // logging.
    return {ce, logits.detach(), {{"ce", ce.detach()}}};
  }

 private:
  GaussianNoiseOptions options_;
};

}  // namespace

std::unique_ptr<Objective> make_objective(const GaussianNoiseOptions& options) {
  return std::make_unique<GaussianNoise>(options);
}

}  // namespace dign::objectives
