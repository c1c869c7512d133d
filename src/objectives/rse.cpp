#include "objectives/rse.h"

#include "objectives/divergence.h"
#include "objectives/noise.h"
#include "objectives/objective.h"

namespace dign::objectives {
namespace {

class Rse : public Objective {
 public:
  explicit Rse(RseOptions options) : options_(options) { options_.validate(); }
  std::string name() const override { return RseOptions::kName; }
  ObjectiveOutput compute(models::ClassifierImpl& model, const Batch& batch,
                          torch::Generator& generator) override {
    auto logits = model.forward(add_gaussian_noise(batch.images, options_.sigma(), generator));
    auto ce = cross_entropy(logits, batch.labels);
    return {ce, logits.detach(), {{"ce", ce.detach()}}};
  }

 private:
  RseOptions options_;
};

}  // namespace

std::unique_ptr<Objective> make_objective(const RseOptions& options) {
  return std::make_unique<Rse>(options);
}

}  // namespace dign::objectives
