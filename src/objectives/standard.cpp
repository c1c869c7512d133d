#include "objectives/standard.h"

#include "objectives/divergence.h"
#include "objectives/objective.h"

namespace dign::objectives {
namespace {

class Standard : public Objective {
 public:
  std::string name() const override { return StandardOptions::kName; }
  ObjectiveOutput compute(models::ClassifierImpl& model, const Batch& batch,
                          torch::Generator& /*generator*/) override {
    auto logits = model.forward(batch.images);
    auto ce = cross_entropy(logits, batch.labels);
    return {ce, logits.detach(), {{"ce", ce.detach()}}};
  }
};

}  // namespace

std::unique_ptr<Objective> make_objective(const StandardOptions& /*options*/) {
  return std::make_unique<Standard>();
}

}  // namespace dign::objectives
