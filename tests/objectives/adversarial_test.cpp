// Adversarial training and TRADES (objectives/adversarial_training.h, trades.h): their losses
// from their definitions, the attack's settings from the options, the options' checks.
#include <gtest/gtest.h>

#include "attacks/pgd.h"
#include "core/error.h"
#include "core/torch_rng.h"
#include "objectives/adversarial_training.h"
#include "objectives/divergence.h"
#include "objectives/gradient_check.h"
#include "objectives/method.h"
#include "objectives/objective.h"
#include "objectives/registry.h"
#include "objectives/test_models.h"
#include "objectives/trades.h"
#include "test_util.h"

namespace dign::objectives {
namespace {

using testing::FixedLinearClassifier;

TEST(AdversarialTraining, LossIsCrossEntropyOnThePaperCodesAttack) {
  FixedLinearClassifier model;
  const auto batch = testing::small_batch(6);
  auto objective = make_objective(MethodConfig{AdversarialTrainingOptions()});
  auto gen = make_generator(torch::kCPU, 1);
  const auto out = objective->compute(model, batch, gen);
  EXPECT_TRUE(model.is_training());
  for (const auto& p : model.parameters()) EXPECT_FALSE(p.grad().defined());

  attacks::PgdSettings paper;  // l_inf 8/255, 7 steps of 2.5 * (8/255) / 7, zero start
  EXPECT_DOUBLE_EQ(paper.step_size, TrainingAttack().resolved_step_size());
  auto gen2 = make_generator(torch::kCPU, 1);
  const auto adversarial =
      attacks::pgd(model, batch.images, attacks::cross_entropy_of(batch.labels), paper, gen2);
  const auto expected = cross_entropy(model.forward(adversarial), batch.labels);
  EXPECT_NEAR(out.loss.item<double>(), expected.item<double>(), 1e-12);
  EXPECT_GT(out.loss.item<double>(),
            cross_entropy(model.forward(batch.images), batch.labels).item<double>());
  out.loss.backward();  // the training backward reaches the parameters
  EXPECT_TRUE(model.linear()->weight.grad().defined());
}

TEST(AdversarialTraining, L2AttackStaysInItsBall) {
  FixedLinearClassifier model;
  const auto batch = testing::small_batch(4);
  TrainingAttack attack;
  attack.norm("l2").eps(0.5).steps(5);
  const auto s = to_pgd_settings(attack, attacks::Start::zero);
  EXPECT_EQ(s.norm, attacks::Norm::l2);
  EXPECT_DOUBLE_EQ(s.step_size, 2.5 * 0.5 / 5);
  auto gen = make_generator(torch::kCPU, 2);
  const auto adversarial =
      attacks::pgd(model, batch.images, attacks::cross_entropy_of(batch.labels), s, gen);
  EXPECT_LE((adversarial - batch.images).flatten(1).norm(2, 1).max().item<double>(), 0.5 + 1e-12);
}

TEST(Trades, LossIsCrossEntropyPlusBetaTimesTheKlToTheAttack) {
  FixedLinearClassifier model;
  const auto batch = testing::small_batch(6);
  auto objective = make_objective(MethodConfig{TradesOptions().beta(2.5)});
  auto gen = make_generator(torch::kCPU, 3);
  const auto out = objective->compute(model, batch, gen);
  const double ce = out.terms[0].second.item<double>(), kl = out.terms[1].second.item<double>();
  EXPECT_NEAR(ce, cross_entropy(model.forward(batch.images), batch.labels).item<double>(), 1e-12);
  EXPECT_GT(kl, 0.0);
  EXPECT_NEAR(out.loss.item<double>(), ce + 2.5 * kl, 1e-12);
  EXPECT_TRUE(model.is_training());
  for (const auto& p : model.parameters()) EXPECT_FALSE(p.grad().defined());
}

TEST(Trades, InnerStepsRaiseTheKlFromTheStart) {
  FixedLinearClassifier model;
  const auto batch = testing::small_batch(6);
  torch::Tensor target;
  {
    EvalModeGuard eval_mode(model);
    torch::NoGradGuard no_grad;
    target = model.forward(batch.images);
  }
  auto kl_to = [&](const torch::Tensor& images) {
    torch::NoGradGuard no_grad;
    return kl_divergence(target, model.forward(images));
  };
  // The start the attack draws first from the generator: 0.001 N(0, I).
  auto gen_start = make_generator(torch::kCPU, 4);
  const auto start = batch.images + 0.001 * at::normal(0.0, 1.0, batch.images.sizes(), gen_start,
                                                       batch.images.options());
  const auto s = to_pgd_settings(TrainingAttack(), attacks::Start::small_normal);
  auto gen = make_generator(torch::kCPU, 4);
  const auto adversarial = attacks::pgd(
      model, batch.images, [&](const torch::Tensor& l) { return kl_divergence(target, l); }, s,
      gen);
  EXPECT_TRUE((kl_to(adversarial) > kl_to(start)).all().item<bool>());
  // Most pixels end on the ball's boundary, as TRADES' attack does.
  const auto on_boundary =
      ((adversarial - batch.images).abs() > 0.99 * s.epsilon).to(torch::kDouble);
  EXPECT_GT(on_boundary.mean().item<double>(), 0.9);
}

TEST(Trades, FromAnExactZeroStartTheKlGradientVanishes) {
  // Why TRADES starts from 0.001 N(0, I): at delta = 0 the KL to the model's own prediction
  // is at its minimum, with a zero gradient, so a zero start need not move.
  FixedLinearClassifier model;
  const auto batch = testing::small_batch(3);
  EvalModeGuard eval_mode(model);
  const auto target = model.forward(batch.images).detach();
  auto x = batch.images.clone().requires_grad_(true);
  const auto kl = kl_divergence(target, model.forward(x)).sum();
  const auto grad = torch::autograd::grad({kl}, {x})[0];
  EXPECT_LT(grad.abs().max().item<double>(), 1e-12);
}

// Under l_inf PGD the attack's image is locally constant in the weights (sign steps, then the
// projection), so the whole loss, attack included, is differentiable there with the gradient
// the training backward computes with the attack's image held fixed.
TEST(AdversarialTraining, GradientMatchesFiniteDifferences) {
  testing::expect_gradient_matches_finite_differences(MethodConfig{AdversarialTrainingOptions()},
                                                      testing::small_batch(5));
}

TEST(Trades, GradientMatchesFiniteDifferences) {
  testing::expect_gradient_matches_finite_differences(MethodConfig{TradesOptions().beta(2.0)},
                                                      testing::small_batch(5));
}

TEST(AdversarialOptions, OutOfRangeValuesNameTheirField) {
  auto field_of = [](const MethodConfig& c) { return testing::option_error_field(c); };
  EXPECT_EQ(field_of({AdversarialTrainingOptions().attack(TrainingAttack().eps(-0.1))}),
            "attack_eps");
  EXPECT_EQ(field_of({AdversarialTrainingOptions().attack(TrainingAttack().eps(1.5))}),
            "attack_eps");
  EXPECT_EQ(field_of({AdversarialTrainingOptions().attack(TrainingAttack().steps(0))}),
            "attack_steps");
  EXPECT_EQ(field_of({TradesOptions().attack(TrainingAttack().norm("l3"))}), "attack_norm");
  EXPECT_EQ(field_of({TradesOptions().beta(-1)}), "trades_beta");
  EXPECT_EQ(field_of({TradesOptions()}), "none");
}

TEST(AdversarialOptions, ConfigJsonRoundTripsEveryFieldIncludingTheNorm) {
  MethodConfig c{TradesOptions().beta(6.0).attack(TrainingAttack().norm("l2").steps(10))};
  const auto j = to_json(c);
  EXPECT_EQ(j["method"], "trades");
  EXPECT_EQ(j["attack_norm"], "l2");
  EXPECT_EQ(j["trades_beta"], 6.0);
  EXPECT_EQ(to_json(method_config_from_json(j)), j);
  auto wrong = j;
  wrong["attack_norm"] = 2;
  EXPECT_THROW(method_config_from_json(wrong), Error);
  const MethodConfig at{AdversarialTrainingOptions()};
  EXPECT_EQ(at.forward_passes(), 1);
  EXPECT_EQ(at.attack_passes(), 7);
}

}  // namespace
}  // namespace dign::objectives
