// AugMix and DiGN + AugMix (objectives/augmix.h, dign_augmix.h): their losses from their
// definitions, gradients against finite differences, the concatenated views, options.
#include <gtest/gtest.h>

#include <functional>

#include "core/torch_rng.h"
#include "objectives/augmix.h"
#include "objectives/dign_augmix.h"
#include "objectives/divergence.h"
#include "objectives/gradient_check.h"
#include "objectives/method.h"
#include "objectives/noise.h"
#include "objectives/registry.h"
#include "objectives/test_models.h"
#include "test_util.h"

namespace dign::objectives {
namespace {

using testing::FixedLinearClassifier;

/// The small batch with two further views, as the loader would attach them.
Batch batch_with_views(int64_t n) {
  Batch batch = testing::small_batch(n);
  auto gen = make_generator(torch::kCPU, 31);
  for (const char* name : kAugMixViews) {
    batch.views[name] = at::empty({n, 3, 2, 2}, torch::kDouble).uniform_(0.0, 1.0, gen);
  }
  return batch;
}

TEST(AugMixObjective, LossIsCleanCrossEntropyPlusTwelveTimesJsOverTheThreeViews) {
  FixedLinearClassifier model;
  const auto batch = batch_with_views(6);
  auto objective = make_objective(MethodConfig{AugMixOptions()});
  auto gen = make_generator(torch::kCPU, 1);
  const auto out = objective->compute(model, batch, gen);

  const auto clean = model.forward(batch.images);
  const auto a = model.forward(batch.views.at("augmix_1"));
  const auto b = model.forward(batch.views.at("augmix_2"));
  const double ce = cross_entropy(clean, batch.labels).item<double>();
  const double js = jensen_shannon({clean, a, b}).mean().item<double>();
  EXPECT_GT(js, 1e-3);
  EXPECT_NEAR(out.loss.item<double>(), ce + 12.0 * js, 1e-12);
  ASSERT_EQ(out.terms.size(), 2u);
  EXPECT_EQ(out.terms[1].first, "js");
  EXPECT_TRUE(torch::equal(out.train_logits, clean.detach()));
}

TEST(AugMixObjective, ABatchWithoutTheViewsIsAnErrorNamingTheView) {
  FixedLinearClassifier model;
  auto objective = make_objective(MethodConfig{AugMixOptions()});
  auto gen = make_generator(torch::kCPU, 1);
  const auto message =
      testing::error_of([&] { objective->compute(model, testing::small_batch(4), gen); });
  EXPECT_TRUE(testing::contains(message, "augmix_1")) << message;
}

TEST(DignAugMixObjective, LossIsDignsPlusTheJsTermWithOneCleanForward) {
  FixedLinearClassifier model;
  const auto batch = batch_with_views(6);
  const auto options = DignAugMixOptions().lambda(0.3).sigma_max(0.5).samples(2);
  auto objective = make_objective(MethodConfig{options});
  auto gen = make_generator(torch::kCPU, 8);
  const auto out = objective->compute(model, batch, gen);

  auto replay = make_generator(torch::kCPU, 8);
  const auto clean = model.forward(batch.images);
  const auto n1 = model.forward(add_diverse_gaussian_noise(batch.images, 0.5, replay));
  const auto n2 = model.forward(add_diverse_gaussian_noise(batch.images, 0.5, replay));
  const auto a = model.forward(batch.views.at("augmix_1"));
  const auto b = model.forward(batch.views.at("augmix_2"));
  const double ce = cross_entropy(clean, batch.labels).item<double>();
  const double kl =
      (kl_divergence(clean, n1).mean() + kl_divergence(clean, n2).mean()).item<double>() / 2;
  const double js = jensen_shannon({clean, a, b}).mean().item<double>();
  EXPECT_GT(kl, 1e-3);
  ASSERT_EQ(out.terms.size(), 3u);
  EXPECT_NEAR(out.terms[1].second.item<double>(), kl, 1e-12);
  EXPECT_NEAR(out.terms[2].second.item<double>(), js, 1e-12);
  EXPECT_NEAR(out.loss.item<double>(), ce + 0.3 * kl + 12.0 * js, 1e-12);
}

TEST(AugMixObjective, GradientMatchesFiniteDifferences) {
  testing::expect_gradient_matches_finite_differences(MethodConfig{AugMixOptions()},
                                                      batch_with_views(5));
}

TEST(DignAugMixObjective, GradientMatchesFiniteDifferences) {
  testing::expect_gradient_matches_finite_differences(
      MethodConfig{DignAugMixOptions().sigma_max(0.4).lambda(0.5)}, batch_with_views(5));
}

TEST(MultiView, ConcatenatedViewsGiveTheSameLossAndGradientForEveryMultiViewMethod) {
  // One mechanism for all: with a per-example model the two ways are the same computation.
  AugMixOptions augmix;
  DignAugMixOptions hybrid;
  DignOptions dign;
  const std::vector<std::function<MethodConfig(bool)>> configs = {
      [=](bool c) mutable { return MethodConfig{augmix.concat_views(c)}; },
      [=](bool c) mutable { return MethodConfig{hybrid.concat_views(c)}; },
      [=](bool c) mutable { return MethodConfig{dign.concat_views(c)}; }};
  const auto batch = batch_with_views(5);
  for (const auto& config : configs) {
    std::vector<double> losses;
    std::vector<torch::Tensor> grads;
    for (const bool concat : {false, true}) {
      FixedLinearClassifier model;
      auto objective = make_objective(config(concat));
      auto gen = make_generator(torch::kCPU, 17);
      const auto out = objective->compute(model, batch, gen);
      out.loss.backward();
      losses.push_back(out.loss.item<double>());
      grads.push_back(model.linear()->weight.grad().clone());
    }
    EXPECT_NEAR(losses[0], losses[1], 1e-12) << config(false).name();
    EXPECT_LT((grads[0] - grads[1]).abs().max().item<double>(), 1e-12) << config(false).name();
  }
}

TEST(AugMixOptions, TraitsRecordAndFieldErrors) {
  const MethodConfig augmix = MethodConfig::named("augmix");
  const MethodConfig hybrid = MethodConfig::named("dign-augmix");
  EXPECT_EQ(augmix.forward_passes(), 3);
  EXPECT_EQ(hybrid.forward_passes(), 6);  // clean, 3 noisy, 2 AugMix
  ASSERT_EQ(augmix.views().size(), 2u);
  EXPECT_EQ(augmix.views()[0].name, "augmix_1");
  EXPECT_EQ(hybrid.views()[1].name, "augmix_2");

  const auto j = to_json(MethodConfig{AugMixOptions().concat_views(true)});
  EXPECT_EQ(j["method"], "augmix");
  EXPECT_EQ(j["js_weight"], 12.0);
  EXPECT_EQ(j["augmix_severity"], 0);
  EXPECT_EQ(j["augmix_all_ops"], false);
  EXPECT_EQ(j["concat_views"], true);
  EXPECT_EQ(to_json(method_config_from_json(j)), j);
  const auto h = to_json(hybrid);
  EXPECT_EQ(h["lambda"], 0.2);
  EXPECT_EQ(h["sigma_max"], 0.2);
  EXPECT_EQ(h["samples"], 3);

  auto field_of = [](const MethodConfig& c) { return testing::option_error_field(c); };
  AugMixOptions bad_weight, bad_severity;
  bad_weight.augmix().js_weight(-1);
  bad_severity.augmix().severity(11);
  EXPECT_EQ(field_of({bad_weight}), "js_weight");
  EXPECT_EQ(field_of({bad_severity}), "augmix_severity");
  EXPECT_EQ(field_of({DignAugMixOptions().lambda(-1)}), "lambda");
  EXPECT_EQ(field_of({DignAugMixOptions().samples(0)}), "samples");
  EXPECT_EQ(field_of({AugMixOptions()}), "none");
}

}  // namespace
}  // namespace dign::objectives
