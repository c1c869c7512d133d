// One model's landscape over stored images: the figures' definitions at known points (radius
// 0, the linear model's first-order term), the Eq. 8 and Eq. 9 checks converging as sigma
// shrinks, Proposition 1 in eval and train mode, determinism, and an unchanged model.
#include <gtest/gtest.h>

#include "data/loader.h"
#include "landscape/landscape.h"
#include "landscape_models.h"
#include "objectives/test_models.h"

namespace dign::landscape {
namespace {

LandscapeOptions small_options() {
  LandscapeOptions o;
  o.radii = {0, 0.5, 1, 2};
  o.directions = 2;
  o.curvature_samples = 3;
  o.kl_samples = 4;
  o.sigmas = {0.1, 0.01};
  o.batch_size = 4;
  return o;
}

std::vector<int64_t> positions_of(int64_t n) {
  std::vector<int64_t> positions;
  for (int64_t i = 0; i < n; ++i) positions.push_back(10 * i + 1);
  return positions;
}

nlohmann::json measure(models::ClassifierImpl& model, const data::ImageSet& images,
                       const LandscapeOptions& o) {
  SilentProgress quiet;
  return landscape_json(
      measure_landscape(model, images, positions_of(images.size()), o, torch::kCPU, quiet), o);
}

TEST(Landscape, RadiusZeroIsCleanAndTheTaylorTermsScaleWithEpsilon) {
  testing::LinearClassifier model(12, 4);
  const auto images = testing::tiny_images(10);
  const auto o = small_options();
  const auto j = measure(model, images, o);
  EXPECT_EQ(j["images"], 10);
  const auto& r = j["radii"];
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0]["loss_difference"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(r[0]["accuracy"].get<double>(), j["clean"]["accuracy"].get<double>());
  EXPECT_EQ(r[0]["first_order"].get<double>(), 0.0);
  // Closed form: ||grad_x L|| = ||W^T (p - e_y)||, mean over the images.
  const auto x = data::to_float_batch(images.image(0), 10, 2, 2);
  const auto y = torch::tensor(images.labels);
  const auto p = torch::softmax(model.forward(x).detach(), 1);
  const auto g =
      torch::matmul(p - torch::one_hot(y, 4).to(p.dtype()), model.linear()->weight.detach());
  const double norm = g.norm(2, 1).mean().item<double>();
  EXPECT_NEAR(j["clean"]["gradient_norm"].get<double>(), norm, 1e-5 * norm);
  for (size_t k = 0; k < r.size(); ++k) {
    const double eps = r[k]["epsilon"].get<double>();
    EXPECT_NEAR(r[k]["first_order"].get<double>(), eps * norm, 1e-5 * norm + 1e-12);
    EXPECT_DOUBLE_EQ(r[k]["second_order"].get<double>(),
                     eps * eps / 2 * j["clean"]["hessian_frobenius_sq"].get<double>());
  }
  // A linear model has H = G exactly: the paired check vanishes up to fp32 rounding.
  EXPECT_LT(j["proposition1"]["eval"]["paired_relative_difference"].get<double>(), 1e-5);
}

TEST(Landscape, Eq8AndEq9ConvergeAsSigmaShrinks) {
  testing::SmallMlp model(/*softplus=*/true, /*batch_norm=*/false);
  auto o = small_options();
  o.sigmas = {0.3, 0.1, 0.03, 0.01};
  o.kl_samples = 400;  // the Monte-Carlo mean against the exact Tr G: ~3% spread
  o.train_mode_check = false;
  const auto j = measure(model, testing::tiny_images(8), o);
  for (const char* eq : {"eq8", "eq9"}) {
    double previous = 1e9;
    for (const auto& level : j[eq]) {
      // Against the quadratic term on the same draws: the error is the Taylor remainder
      // alone, O(sigma) relative, so it shrinks with sigma.
      const double taylor = std::abs(level["taylor_ratio"].get<double>() - 1);
      EXPECT_LT(taylor, previous) << eq << " " << level.dump();
      previous = taylor;
    }
    EXPECT_LT(previous, 0.02) << eq;
    // Against the paper's (sigma^2 / 2) Tr G and (sigma_max^2 / 6) Tr G, exact Tr G.
    EXPECT_NEAR(j[eq].back()["ratio"].get<double>(), 1.0, 0.12) << eq;
  }
}

TEST(Landscape, Proposition1HoldsInEvalModeAndBreaksUnderTrainModeBatchNorm) {
  testing::SmallMlp model(/*softplus=*/false, /*batch_norm=*/true);
  auto o = small_options();
  o.curvature_samples = 8;
  const auto j = measure(model, testing::tiny_images(12), o);
  const auto& p = j["proposition1"];
  EXPECT_EQ(p["eval"]["images"], 12);
  EXPECT_EQ(p["train"]["images"], 12);
  EXPECT_LT(p["eval"]["paired_relative_difference"].get<double>(), 1e-4);
  EXPECT_GT(p["train"]["paired_relative_difference"].get<double>(), 1e-2);
  // Hutchinson's Tr H against the exact Tr G: equal in expectation in eval mode.
  const double trace = p["eval"]["fisher_trace"].get<double>();
  EXPECT_NEAR(p["eval"]["hessian_trace"].get<double>(), trace,
              4 * p["eval"]["hessian_trace_se"].get<double>() + 0.5 * trace);
}

TEST(Landscape, DeterministicGivenTheSeedAndTheModelIsUnchanged) {
  testing::SmallMlp model(/*softplus=*/false, /*batch_norm=*/true);
  model.eval();
  std::vector<torch::Tensor> before;
  for (const auto& t : model.parameters()) before.push_back(t.clone());
  for (const auto& t : model.buffers()) before.push_back(t.clone());
  const auto images = testing::tiny_images(9);  // batches of 4, 4 and 1 (no train-mode check)
  const auto o = small_options();
  const auto first = measure(model, images, o);
  EXPECT_EQ(first, measure(model, images, o));
  EXPECT_EQ(first["proposition1"]["train"]["images"], 8);
  auto other = o;
  other.seed = 1;
  EXPECT_NE(first["radii"], measure(model, images, other)["radii"]);
  size_t k = 0;
  for (const auto& t : model.parameters()) EXPECT_TRUE(torch::equal(t, before[k++]));
  for (const auto& t : model.buffers()) EXPECT_TRUE(torch::equal(t, before[k++]));
  EXPECT_FALSE(model.is_training());
}

TEST(Landscape, AccuracyFallsAndTheLossMovesAsTheRadiusGrows) {
  testing::SmallMlp model(false, false);
  auto o = small_options();
  o.radii = {0, 1, 100};
  const auto j = measure(model, testing::tiny_images(16), o);
  const auto& r = j["radii"];
  EXPECT_GT(r[1]["loss_difference"].get<double>(), 0.0);
  EXPECT_GT(r[2]["loss_difference"].get<double>(), r[1]["loss_difference"].get<double>());
  for (const auto& row : r) {
    EXPECT_GE(row["accuracy"].get<double>(), 0.0);
    EXPECT_LE(row["accuracy"].get<double>(), 1.0);
  }
}

}  // namespace
}  // namespace dign::landscape
