#include "objectives/trades.h"

#include "attacks/pgd.h"
#include "objectives/divergence.h"
#include "objectives/objective.h"

namespace dign::objectives {
namespace {

class Trades : public Objective {
 public:
  explicit Trades(TradesOptions options)
      : options_(options),
        settings_(to_pgd_settings(options.attack(), attacks::Start::small_normal)) {
    options_.validate();
  }
  std::string name() const override { return TradesOptions::kName; }
  ObjectiveOutput compute(models::ClassifierImpl& model, const Batch& batch,
                          torch::Generator& generator) override {
    torch::Tensor target_logits;
    {
      EvalModeGuard eval_mode(model);
      torch::NoGradGuard no_grad;
      target_logits = model.forward(batch.images).detach();
    }
    const auto adversarial = attacks::pgd(
        model, batch.images,
        [&](const torch::Tensor& logits) { return kl_divergence(target_logits, logits); },
        settings_, generator);
    auto clean_logits = model.forward(batch.images);
    auto adversarial_logits = model.forward(adversarial);
    auto ce = cross_entropy(clean_logits, batch.labels);
    // Gradients flow through both distributions, as in TRADES and the paper's code.
    auto kl = kl_divergence(clean_logits, adversarial_logits).mean();
    auto loss = ce + options_.beta() * kl;
    return {loss, clean_logits.detach(), {{"ce", ce.detach()}, {"kl", kl.detach()}}};
  }

 private:
  TradesOptions options_;
  attacks::PgdSettings settings_;
};

}  // namespace

std::unique_ptr<Objective> make_objective(const TradesOptions& options) {
  return std::make_unique<Trades>(options);
}

}  // namespace dign::objectives
