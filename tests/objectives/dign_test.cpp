#include "objectives/dign.h"

#include <gtest/gtest.h>

#include "core/torch_rng.h"
#include "models/registry.h"
#include "objectives/divergence.h"
#include "objectives/noise.h"
#include "objectives/registry.h"
#include "objectives/test_models.h"
#include "test_util.h"

namespace dign::objectives {
namespace {
using testing::LinearClassifier;

Batch batch_of(int64_t n, torch::Dtype dtype) {
  torch::manual_seed(3);
  return {torch::rand({n, 3, 2, 2}, dtype), torch::randint(0, 4, {n}, torch::kLong)};
}

TEST(Dign, ConsistencyVanishesAtSigmaZero) {
  LinearClassifier model(12, 4);
  model.to(torch::kDouble);
  const auto batch = batch_of(5, torch::kDouble);
  auto dign = make_objective(DignOptions().sigma_max(0.0).lambda(0.7));
  auto gen = make_generator(torch::kCPU, 1);
  const auto out = dign->compute(model, batch, gen);
  EXPECT_NEAR(out.terms[1].second.item<double>(), 0.0, 1e-15);
  EXPECT_NEAR(out.loss.item<double>(),
              cross_entropy(model.forward(batch.images), batch.labels).item<double>(), 1e-12);
}

TEST(Dign, LossIsCrossEntropyPlusLambdaTimesTheMeanKl) {
  LinearClassifier model(12, 4);
  model.to(torch::kDouble);
  const auto batch = batch_of(5, torch::kDouble);
  auto dign = make_objective(DignOptions().lambda(0.5).sigma_max(0.3).samples(2));
  auto gen = make_generator(torch::kCPU, 9);
  const auto out = dign->compute(model, batch, gen);
  const double ce = out.terms[0].second.item<double>();
  const double kl = out.terms[1].second.item<double>();
  EXPECT_GT(kl, 0.0);
  EXPECT_NEAR(out.loss.item<double>(), ce + 0.5 * kl, 1e-12);
}

TEST(Dign, GradientFlowsThroughCleanAndNoisyBranches) {
  // Finite differences of the whole DiGN loss (same noise each time: the
  // generator is re-seeded) agree with autograd only if both the clean and the
  // noisy forward passes are differentiated.
  LinearClassifier model(12, 4);
  model.to(torch::kDouble);
  const auto batch = batch_of(6, torch::kDouble);
  auto dign = make_objective(DignOptions().lambda(2.0).sigma_max(0.5).samples(3));
  auto loss_at = [&] {
    auto gen = make_generator(torch::kCPU, 42);
    return dign->compute(model, batch, gen).loss;
  };
  model.zero_grad();
  loss_at().backward();
  auto& weight = model.linear()->weight;
  const auto analytic = weight.grad().clone();
  // With the noisy branch detached the gradient differs: the check below can fail.
  {
    model.zero_grad();
    auto gen = make_generator(torch::kCPU, 42);
    auto clean = model.forward(batch.images);
    auto loss = cross_entropy(clean, batch.labels);
    for (int k = 0; k < 3; ++k) {
      auto noisy = model.forward(add_diverse_gaussian_noise(batch.images, 0.5, gen)).detach();
      loss = loss + 2.0 / 3.0 * kl_divergence(clean, noisy).mean();
    }
    loss.backward();
    EXPECT_GT((weight.grad() - analytic).abs().max().item<double>(), 1e-4);
  }
  const double h = 1e-6;
  double max_error = 0, max_grad = 0;
  for (int64_t i = 0; i < weight.numel(); ++i) {
    torch::NoGradGuard no_grad;
    auto flat = weight.view({-1});
    const double saved = flat[i].item<double>();
    flat[i] = saved + h;
    const double up = loss_at().item<double>();
    flat[i] = saved - h;
    const double down = loss_at().item<double>();
    flat[i] = saved;
    max_error = std::max(max_error,
                         std::abs(analytic.view({-1})[i].item<double>() - (up - down) / (2 * h)));
    max_grad = std::max(max_grad, std::abs(analytic.view({-1})[i].item<double>()));
  }
  EXPECT_GT(max_grad, 1e-3);
  EXPECT_LT(max_error, 1e-7);
}

TEST(Dign, ConcatenatedViewsComputeTheSameLossAndGradientForAPerExampleModel) {
  // With no batch statistics (a linear model, or BatchNorm in eval mode) one pass over the
  // concatenated views is the same computation as a pass per view, with the same draws.
  const auto batch = batch_of(5, torch::kDouble);
  std::vector<torch::Tensor> losses, grads;
  for (const bool concat : {false, true}) {
    torch::manual_seed(1);
    LinearClassifier model(12, 4);
    model.to(torch::kDouble);
    auto dign =
        make_objective(DignOptions().lambda(0.8).sigma_max(0.4).samples(3).concat_views(concat));
    auto gen = make_generator(torch::kCPU, 17);
    const auto out = dign->compute(model, batch, gen);
    out.loss.backward();
    losses.push_back(out.loss.detach());
    grads.push_back(model.linear()->weight.grad().clone());
  }
  EXPECT_GT(losses[0].item<double>(), 0.0);
  EXPECT_NEAR(losses[0].item<double>(), losses[1].item<double>(), 1e-12);
  EXPECT_LT((grads[0] - grads[1]).abs().max().item<double>(), 1e-12);
}

TEST(Dign, ConcatenatedViewsPoolBatchNormStatisticsInTraining) {
  // In training mode BatchNorm normalizes each pass with its own batch's statistics, so the
  // two ways differ: the documented reason why concatenation is not the default.
  auto loss_of = [](bool concat, bool training) {
    torch::manual_seed(2);
    auto model = models::make_model(models::ResNet18Options().width(2));
    model->train(training);
    torch::manual_seed(3);
    const Batch batch{torch::rand({4, 3, 32, 32}), torch::randint(0, 10, {4}, torch::kLong)};
    auto dign = make_objective(DignOptions().samples(2).concat_views(concat));
    auto gen = make_generator(torch::kCPU, 5);
    return dign->compute(*model, batch, gen).loss.item<double>();
  };
  EXPECT_NEAR(loss_of(false, false), loss_of(true, false), 1e-5);
  EXPECT_GT(std::abs(loss_of(false, true) - loss_of(true, true)), 1e-4);
}

TEST(Dign, ExpectedConsistencyMatchesTheFisherTraceForSmallNoise) {
  // Eq. 9: for small sigma_max, E KL(p(x) || p(x + delta)) ~ sigma_max^2 / 6 * Tr G(x), and
  // for a linear model f(x) = Wx + b, G(x) = W^T (diag(p) - p p^T) W.
  LinearClassifier model(12, 4);
  model.to(torch::kDouble);
  torch::NoGradGuard no_grad;
  const auto batch = batch_of(1, torch::kDouble);
  const double sigma_max = 0.01;
  const int64_t samples = 20000;
  auto dign = make_objective(DignOptions().lambda(1.0).sigma_max(sigma_max).samples(samples));
  auto gen = make_generator(torch::kCPU, 5);
  const double kl = dign->compute(model, batch, gen).terms[1].second.item<double>();
  const auto& w = model.linear()->weight;
  const auto p = torch::softmax(model.forward(batch.images), 1)[0];
  const auto fisher = w.t().mm(torch::diag(p) - torch::outer(p, p)).mm(w);
  const double expected = sigma_max * sigma_max / 6.0 * fisher.trace().item<double>();
  EXPECT_NEAR(kl / expected, 1.0, 0.05);
}

TEST(Dign, OptionsAreValidated) {
  EXPECT_TRUE(testing::contains(testing::error_of([] { make_objective(DignOptions().samples(0)); }),
                                "samples"));
  EXPECT_TRUE(testing::contains(
      testing::error_of([] { make_objective(DignOptions().sigma_max(-0.1)); }), "sigma_max"));
  EXPECT_TRUE(testing::contains(testing::error_of([] { make_objective(DignOptions().lambda(-1)); }),
                                "lambda"));
}

TEST(MethodRegistry, BuildsEveryMethodAndRoundTripsItsOptions) {
  for (const auto& entry : method_catalog()) {
    const MethodConfig c = MethodConfig::named(entry.name);
    EXPECT_EQ(make_objective(c)->name(), entry.name);
    EXPECT_EQ(to_json(method_config_from_json(to_json(c))), to_json(c));
  }
  EXPECT_TRUE(testing::contains(testing::error_of([] { MethodConfig::named("mixup"); }), "method"));
  EXPECT_EQ(MethodConfig::named("rse").test_time_ensemble().copies, 10);
  EXPECT_EQ(MethodConfig().test_time_ensemble().copies, 1);
}

}  // namespace
}  // namespace dign::objectives
