// DiGN's variants of the paper's appendix: the Jensen-Shannon consistency (A.7) and noise
// masking (A.8); the Jensen-Shannon divergence itself (objectives/divergence.h).
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/torch_rng.h"
#include "objectives/dign.h"
#include "objectives/divergence.h"
#include "objectives/gradient_check.h"
#include "objectives/method.h"
#include "objectives/noise.h"
#include "objectives/objective.h"
#include "objectives/registry.h"
#include "objectives/test_models.h"
#include "test_util.h"

namespace dign::objectives {
namespace {

using testing::FixedLinearClassifier;

TEST(JensenShannon, ZeroForIdenticalDistributions) {
  const auto l = torch::tensor({{1.0, -2.0, 0.5}, {0.0, 0.0, 3.0}}, torch::kDouble);
  const auto js = jensen_shannon({l, l, l + 7.0});  // a constant shift is the same p
  EXPECT_LT(js.abs().max().item<double>(), 1e-15);
}

TEST(JensenShannon, HandComputedValue) {
  // p = (1, 0) (almost: logits 0 and -1e9) and q = (1/2, 1/2): M = (3/4, 1/4),
  // JS = 1/2 [1 log(4/3)] + 1/2 [1/2 log(2/3) + 1/2 log 2] = 0.21576155433883565.
  const auto p = torch::tensor({{0.0, -1e9}}, torch::kDouble);
  const auto q = torch::tensor({{0.0, 0.0}}, torch::kDouble);
  const double expected =
      0.5 * std::log(4.0 / 3.0) + 0.5 * (0.5 * std::log(2.0 / 3.0) + 0.5 * std::log(2.0));
  EXPECT_NEAR(jensen_shannon({p, q}).item<double>(), expected, 1e-12);
  EXPECT_NEAR(expected, 0.21576155433883565, 1e-15);
}

TEST(JensenShannon, GradientMatchesFiniteDifferencesInEveryArgument) {
  auto gen = make_generator(torch::kCPU, 3);
  std::vector<torch::Tensor> logits;
  for (int k = 0; k < 3; ++k) {
    logits.push_back(at::normal(0.0, 2.0, {4, 5}, gen, torch::TensorOptions(torch::kDouble))
                         .requires_grad_(true));
  }
  jensen_shannon(logits).sum().backward();
  const double h = 1e-6;
  for (auto& l : logits) {
    const auto analytic = l.grad().clone();
    for (int64_t i = 0; i < l.numel(); ++i) {
      torch::NoGradGuard no_grad;
      auto flat = l.view({-1});
      const double saved = flat[i].item<double>();
      flat[i] = saved + h;
      const double up = jensen_shannon(logits).sum().item<double>();
      flat[i] = saved - h;
      const double down = jensen_shannon(logits).sum().item<double>();
      flat[i] = saved;
      EXPECT_NEAR(analytic.view({-1})[i].item<double>(), (up - down) / (2 * h), 1e-7);
    }
  }
}

TEST(DignJs, LossIsCrossEntropyPlusLambdaTimesJsOverTheCleanAndTwoNoisyViews) {
  FixedLinearClassifier model;
  const auto batch = testing::small_batch(6);
  // samples 5 is ignored by the JS variant: exactly 2 noisy views, as the paper's code.
  auto objective = make_objective(
      MethodConfig{DignOptions().consistency("js").lambda(0.7).samples(5).sigma_max(0.5)});
  auto gen = make_generator(torch::kCPU, 8);
  const auto out = objective->compute(model, batch, gen);
  ASSERT_EQ(out.terms.size(), 2u);
  EXPECT_EQ(out.terms[1].first, "js");

  auto replay = make_generator(torch::kCPU, 8);
  const auto clean = model.forward(batch.images);
  const auto a = model.forward(add_diverse_gaussian_noise(batch.images, 0.5, replay));
  const auto b = model.forward(add_diverse_gaussian_noise(batch.images, 0.5, replay));
  const double ce = cross_entropy(clean, batch.labels).item<double>();
  const double js = jensen_shannon({clean, a, b}).mean().item<double>();
  EXPECT_GT(js, 0.0);
  EXPECT_NEAR(out.terms[1].second.item<double>(), js, 1e-12);
  EXPECT_NEAR(out.loss.item<double>(), ce + 0.7 * js, 1e-12);
  EXPECT_EQ(MethodConfig{DignOptions().consistency("js").samples(5)}.forward_passes(), 3);
}

TEST(NoiseMasking, KeepsTheExpectedFractionOfNoiseElements) {
  const auto zeros = torch::zeros({50, 3, 32, 32});  // 153,600 elements
  auto gen = make_generator(torch::kCPU, 4);
  const auto noisy = add_diverse_gaussian_noise(zeros, 0.2, gen, 0.2);
  const double kept = noisy.ne(0).to(torch::kDouble).mean().item<double>();
  // Binomial standard error sqrt(0.2 * 0.8 / 153600) = 0.001: 0.01 is ten of them.
  EXPECT_NEAR(kept, 0.2, 0.01);
  // Per element, not per pixel: the channels of one pixel are masked independently.
  const auto pixel_kept = noisy.ne(0).any(1).to(torch::kDouble).mean().item<double>();
  EXPECT_NEAR(pixel_kept, 1 - std::pow(0.8, 3), 0.01);
}

TEST(NoiseMasking, WithoutMaskingTheDrawsAreUnchanged) {
  const auto zeros = torch::zeros({4, 3, 2, 2});
  auto a = make_generator(torch::kCPU, 5), b = make_generator(torch::kCPU, 5);
  EXPECT_TRUE(torch::equal(add_diverse_gaussian_noise(zeros, 0.2, a),
                           add_diverse_gaussian_noise(zeros, 0.2, b, 1.0)));
}

TEST(DignVariants, GradientMatchesFiniteDifferencesWithJsAndWithMasking) {
  const auto batch = testing::small_batch(5);
  testing::expect_gradient_matches_finite_differences(
      MethodConfig{DignOptions().consistency("js").lambda(0.7).sigma_max(0.5)}, batch);
  testing::expect_gradient_matches_finite_differences(
      MethodConfig{DignOptions().mask_prob(0.2).lambda(0.7).sigma_max(0.5)}, batch);
}

TEST(DignVariants, OptionsOutOfRangeNameTheirField) {
  auto field_of = [](const MethodConfig& c) { return testing::option_error_field(c); };
  EXPECT_EQ(field_of({DignOptions().consistency("l2")}), "consistency");
  EXPECT_EQ(field_of({DignOptions().mask_prob(1.5)}), "mask_prob");
  EXPECT_EQ(field_of({DignOptions().mask_prob(-0.1)}), "mask_prob");
  EXPECT_EQ(field_of({DignOptions().consistency("js").mask_prob(0.2)}), "none");
}

}  // namespace
}  // namespace dign::objectives
