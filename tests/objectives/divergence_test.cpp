#include "objectives/divergence.h"

#include <gtest/gtest.h>

#include <cmath>

namespace dign::objectives {
namespace {

TEST(Divergence, KnownAnswers) {
  // p = softmax(0, ln 3) = (1/4, 3/4), q = softmax(0, 0) = (1/2, 1/2):
  // KL(p||q) = 1/4 ln(1/2) + 3/4 ln(3/2) = 0.130812035...
  auto p = torch::tensor({{0.0, std::log(3.0)}}, torch::kDouble);
  auto q = torch::zeros({1, 2}, torch::kDouble);
  EXPECT_NEAR(kl_divergence(p, q).item<double>(), 0.25 * std::log(0.5) + 0.75 * std::log(1.5),
              1e-12);
  EXPECT_NEAR(kl_divergence(p, p).item<double>(), 0.0, 1e-15);
  // CE with label 1: -ln(3/4) = 0.287682...
  EXPECT_NEAR(cross_entropy(p, torch::tensor({1}, torch::kLong)).item<double>(), -std::log(0.75),
              1e-12);
}

TEST(Divergence, Bf16LogitsAreEvaluatedInFp32) {
  auto p = torch::tensor({{12.0, 0.0}}).to(torch::kBFloat16);
  auto q = torch::tensor({{11.0, 0.0}}).to(torch::kBFloat16);
  const auto kl = kl_divergence(p, q);
  EXPECT_EQ(kl.scalar_type(), torch::kFloat32);
  EXPECT_GT(kl.item<float>(), 0.0f);  // p's confidence 0.999994 is not rounded to 1
}

TEST(Divergence, GradientMatchesFiniteDifferencesInBothArguments) {
  torch::manual_seed(1);
  auto p = torch::randn({3, 4}, torch::kDouble).requires_grad_(true);
  auto q = torch::randn({3, 4}, torch::kDouble).requires_grad_(true);
  kl_divergence(p, q).sum().backward();
  const double h = 1e-6;
  for (auto* t : {&p, &q}) {
    auto analytic = t->grad().clone();
    for (int64_t i = 0; i < t->numel(); ++i) {
      torch::NoGradGuard no_grad;
      auto flat = t->view({-1});
      const double saved = flat[i].item<double>();
      flat[i] = saved + h;
      const double up = kl_divergence(p, q).sum().item<double>();
      flat[i] = saved - h;
      const double down = kl_divergence(p, q).sum().item<double>();
      flat[i] = saved;
      EXPECT_NEAR(analytic.view({-1})[i].item<double>(), (up - down) / (2 * h), 1e-7);
    }
  }
}

}  // namespace
}  // namespace dign::objectives
