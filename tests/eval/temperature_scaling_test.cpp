// Temperature scaling: the fit recovers a known temperature, is a minimum of the NLL, matches a
// case solved by hand, stops at its bounds where the minimum is at 0 or infinity; evaluation
// scores softmax(logits / T) beside the unscaled predictions.
#include "eval/temperature_scaling.h"

#include <gtest/gtest.h>

#include <cmath>

#include "eval/evaluator.h"
#include "eval/mean_brightness.h"
#include "eval/report.h"
#include "test_util.h"

namespace dign::eval {
namespace {

// Model-like logits: one class favoured by +3 over N(0, 1.5^2) noise per class; labels drawn
// from softmax(z), so z is perfectly calibrated and z * scale has temperature `scale`.
std::pair<torch::Tensor, torch::Tensor> calibrated_logits(int64_t n, int64_t classes, double scale,
                                                          uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  torch::Tensor z = torch::randn({n, classes}, gen, torch::kFloat64) * 1.5;
  const torch::Tensor favoured = torch::randint(classes, {n, 1}, gen, torch::kInt64);
  z.scatter_add_(1, favoured, torch::full({n, 1}, 3.0, torch::kFloat64));
  const torch::Tensor labels =
      torch::multinomial(torch::softmax(z, 1), 1, /*replacement=*/true, gen).squeeze(1);
  return {(z * scale).to(torch::kFloat32), labels};
}

TEST(TemperatureScaling, RecoversAKnownTemperature) {
  for (double scale : {2.5, 0.6}) {
    const auto [logits, labels] = calibrated_logits(40000, 10, scale, 7);
    const TemperatureFit fit = fit_temperature(logits, labels);
    EXPECT_NEAR(fit.temperature / scale, 1.0, 0.02) << "scale " << scale;
    EXPECT_FALSE(fit.at_bound);
    EXPECT_LT(fit.nll_after, fit.nll_before);
  }
}

TEST(TemperatureScaling, TheFittedTemperatureIsAMinimumOfTheNll) {
  const auto [logits, labels] = calibrated_logits(5000, 10, 2.5, 3);
  const TemperatureFit fit = fit_temperature(logits, labels);
  const double t = fit.temperature;
  EXPECT_DOUBLE_EQ(fit.nll_after, temperature_nll(logits, labels, t));
  EXPECT_DOUBLE_EQ(fit.nll_before, temperature_nll(logits, labels, 1.0));
  EXPECT_LE(fit.nll_after, temperature_nll(logits, labels, 1.0));
  EXPECT_LE(fit.nll_after, temperature_nll(logits, labels, t * 1.01));
  EXPECT_LE(fit.nll_after, temperature_nll(logits, labels, t * 0.99));
  // Converged well inside 1e-6: the NLL is flat there to second order.
  EXPECT_LE(fit.nll_after, temperature_nll(logits, labels, t * (1 + 1e-6)));
  EXPECT_LE(fit.nll_after, temperature_nll(logits, labels, t * (1 - 1e-6)));
}

TEST(TemperatureScaling, TwoExamplesByHand) {
  // x1: logits (2, 0), label 0; x2: logits (1, 0), label 1. With b = 1/T:
  //   f(b) = 1/2 [log(1 + e^-2b) + log(1 + e^b)]
  //   f'(b) = 0  <=>  2 (sigma(2b) - 1) + sigma(b) = 0; with u = e^b:
  //   u / (1 + u) = 2 / (1 + u^2)  <=>  u^3 - u - 2 = 0,
  // whose real root (Cardano) is u = cbrt(1 + sqrt(26/27)) + cbrt(1 - sqrt(26/27)) = 1.52138,
  // so T = 1 / ln(u) = 2.38312.
  const torch::Tensor logits = torch::tensor({2.0f, 0.0f, 1.0f, 0.0f}).view({2, 2});
  const torch::Tensor labels = torch::tensor({int64_t{0}, int64_t{1}});
  const double r = std::sqrt(26.0 / 27.0);
  const double u = std::cbrt(1 + r) + std::cbrt(1 - r);
  ASSERT_NEAR(u * u * u - u - 2, 0.0, 1e-12);
  const TemperatureFit fit = fit_temperature(logits, labels);
  EXPECT_NEAR(fit.temperature, 1.0 / std::log(u), 1e-9);
  // At T = 1: 1/2 [log(1 + e^-2) + log(1 + e)] = 1/2 [0.126928 + 1.313262] = 0.720095.
  EXPECT_NEAR(fit.nll_before, 0.5 * (std::log1p(std::exp(-2.0)) + std::log1p(std::exp(1.0))),
              1e-12);
  const double b = std::log(u);
  EXPECT_NEAR(fit.nll_after, 0.5 * (std::log1p(std::exp(-2 * b)) + std::log1p(std::exp(b))), 1e-12);
}

TEST(TemperatureScaling, StopsAtTheBoundsWhereTheMinimumIsAtZeroOrInfinity) {
  // Every image right with a margin: the NLL falls as T -> 0.
  const torch::Tensor separated = torch::tensor({3.0f, 0.0f, 0.0f, 2.0f}).view({2, 2});
  const torch::Tensor labels = torch::tensor({int64_t{0}, int64_t{1}});
  TemperatureFit fit = fit_temperature(separated, labels);
  EXPECT_TRUE(fit.at_bound);
  EXPECT_DOUBLE_EQ(fit.temperature, TemperatureFitOptions().min_temperature);
  // Every image wrong: the NLL falls as T -> infinity.
  fit = fit_temperature(separated, torch::tensor({int64_t{1}, int64_t{0}}));
  EXPECT_TRUE(fit.at_bound);
  EXPECT_DOUBLE_EQ(fit.temperature, TemperatureFitOptions().max_temperature);
  // Equal logits: every T gives log 2; T stays 1.
  fit = fit_temperature(torch::zeros({2, 2}), labels);
  EXPECT_DOUBLE_EQ(fit.temperature, 1.0);
  EXPECT_NEAR(fit.nll_after, std::log(2.0), 1e-12);
}

TEST(TemperatureScaling, BadInputIsAnError) {
  const torch::Tensor logits = torch::zeros({2, 3});
  EXPECT_TRUE(testing::contains(
      testing::error_of([&] { fit_temperature(logits, torch::tensor({int64_t{0}})); }),
      "expected 2 labels"));
  EXPECT_TRUE(testing::contains(testing::error_of([&] {
                                  fit_temperature(logits, torch::tensor({int64_t{0}, int64_t{3}}));
                                }),
                                "labels outside [0, 3)"));
  EXPECT_TRUE(
      testing::contains(testing::error_of([&] {
                          temperature_nll(logits, torch::tensor({int64_t{0}, int64_t{1}}), 0.0);
                        }),
                        "expected a temperature > 0"));
}

TEST(TemperatureScaling, EvaluationScoresTheScaledPredictionsBesideTheUnscaledOnes) {
  testing::MeanBrightness model;
  EvalOptions plain, scaled;
  scaled.temperature = 2.0;
  const auto a = evaluate_condition(model, testing::four_images(), torch::kCPU, plain, 0.0);
  const auto b = evaluate_condition(model, testing::four_images(), torch::kCPU, scaled, 0.0);
  nlohmann::json ja = condition_json(a), jb = condition_json(b);
  ASSERT_TRUE(jb.contains("temperature_scaled"));
  EXPECT_FALSE(ja.contains("temperature_scaled"));
  // Bright logits (8, 0) / 2 -> confidence sigma(4) = 0.98201, right twice: bin (0.9375, 1].
  // Dark logits (-2, 0) / 2 -> class 1, confidence sigma(1) = 0.73106, right once: (0.6875, 0.75].
  const double ece = 0.5 * (1 - 1 / (1 + std::exp(-4.0))) + 0.5 * (1 / (1 + std::exp(-1.0)) - 0.5);
  EXPECT_NEAR(jb["temperature_scaled"]["ece"].get<double>(), ece, 1e-6);
  EXPECT_EQ(jb["temperature_scaled"]["temperature"], 2.0);
  EXPECT_EQ(jb["temperature_scaled"]["bins"].size(), 16u);
  // Everything else is the unscaled evaluation's, to the bit.
  jb.erase("temperature_scaled");
  EXPECT_EQ(ja.dump(), jb.dump());
  // T = 1 scores the same predictions twice.
  scaled.temperature = 1.0;
  const auto c = evaluate_condition(model, testing::four_images(), torch::kCPU, scaled, 0.0);
  nlohmann::json jc = condition_json(c);
  nlohmann::json inner = jc["temperature_scaled"];
  inner.erase("temperature");
  for (const char* key : {"ece", "rmse", "oe", "sharpness", "bins"}) {
    EXPECT_EQ(inner[key].dump(), jc[key].dump()) << key;
  }
}

}  // namespace
}  // namespace dign::eval
