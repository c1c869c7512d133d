#pragma once
// A central-difference check of an objective's gradient with respect to the weights of
// FixedLinearClassifier, with the same random draws in every evaluation (the generator is
// re-seeded each time): shared by the tests of every method's loss.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/torch_rng.h"
#include "objectives/method.h"
#include "objectives/registry.h"
#include "objectives/test_models.h"

namespace dign::testing {

/// The loss of `config`'s objective on `batch`, its draws from a generator seeded `seed`.
inline double objective_loss(const objectives::MethodConfig& config, models::ClassifierImpl& model,
                             const objectives::Batch& batch, uint64_t seed) {
  auto objective = objectives::make_objective(config);
  auto gen = make_generator(torch::kCPU, seed);
  return objective->compute(model, batch, gen).loss.item<double>();
}

/// Expects the backward pass of `config`'s loss to match (L(w + h) - L(w - h)) / 2h, h = 1e-6,
/// within 1e-7 for every weight, and the gradient not to be trivially zero.
inline void expect_gradient_matches_finite_differences(const objectives::MethodConfig& config,
                                                       const objectives::Batch& batch) {
  FixedLinearClassifier model;
  {
    auto objective = objectives::make_objective(config);
    auto gen = make_generator(torch::kCPU, 4);
    objective->compute(model, batch, gen).loss.backward();
  }
  auto& weight = model.linear()->weight;
  const auto analytic = weight.grad().clone();
  const double h = 1e-6;
  double max_error = 0;
  // Gradient mode stays on for the evaluations: an attack inside the objective needs it.
  auto set = [&](int64_t i, double value) {
    torch::NoGradGuard no_grad;
    weight.view({-1})[i] = value;
  };
  for (int64_t i = 0; i < weight.numel(); ++i) {
    const double saved = weight.view({-1})[i].item<double>();
    set(i, saved + h);
    const double up = objective_loss(config, model, batch, 4);
    set(i, saved - h);
    const double down = objective_loss(config, model, batch, 4);
    set(i, saved);
    max_error = std::max(max_error,
                         std::abs(analytic.view({-1})[i].item<double>() - (up - down) / (2 * h)));
  }
  EXPECT_GT(analytic.abs().max().item<double>(), 1e-3) << config.name();
  EXPECT_LT(max_error, 1e-7) << config.name();
}

}  // namespace dign::testing
