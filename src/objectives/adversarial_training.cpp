#include "objectives/adversarial_training.h"

#include "attacks/pgd.h"
#include "objectives/divergence.h"
#include "objectives/objective.h"

namespace dign::objectives {
namespace {

class AdversarialTraining : public Objective {
 public:
  explicit AdversarialTraining(AdversarialTrainingOptions options)
      : settings_(to_pgd_settings(options.attack(), attacks::Start::zero)) {}
  std::string name() const override { return AdversarialTrainingOptions::kName; }
  ObjectiveOutput compute(models::ClassifierImpl& model, const Batch& batch,
                          torch::Generator& generator) override {
    const auto adversarial = attacks::pgd(
        model, batch.images, attacks::cross_entropy_of(batch.labels), settings_, generator);
    auto logits = model.forward(adversarial);
    auto ce = cross_entropy(logits, batch.labels);
    // Training accuracy is that on the adversarial examples, the ones trained on.
    return {ce, logits.detach(), {{"ce", ce.detach()}}};
  }

 private:
  attacks::PgdSettings settings_;
};

}  // namespace

std::unique_ptr<Objective> make_objective(const AdversarialTrainingOptions& options) {
  return std::make_unique<AdversarialTraining>(options);
}

}  // namespace dign::objectives
