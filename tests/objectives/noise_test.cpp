// Algorithm 1 draws a noise level sigma ~ U(0, sigma_max) for each example, not one per
// batch: the per-example spread of the noise must vary across the batch as U(0, sigma_max).
#include "objectives/noise.h"

#include <gtest/gtest.h>

#include "core/torch_rng.h"
#include "objectives/dign.h"
#include "objectives/gaussian_noise.h"
#include "objectives/objective.h"

namespace dign::objectives {
namespace {

// Per-example standard deviation of noise added to zero images [N,3,16,16]: 768 pixels each,
// so each estimate is within about 2.5% (1 / sqrt(2 * 768)) of that example's sigma.
torch::Tensor per_example_sigma(const torch::Tensor& noisy) {
  return noisy.flatten(1).std(/*dim=*/1, /*unbiased=*/false);
}

// Draws sigma per example: sigmas spread over (0, sigma_max) with the mean sigma_max / 2 and
// the standard deviation sigma_max / sqrt(12) of U(0, sigma_max). One sigma per batch would
// give 256 equal estimates (spread about 2.5% of sigma).
void expect_uniform_per_example(const torch::Tensor& sigmas, double sigma_max) {
  const int64_t n = sigmas.size(0);
  const double mean = sigmas.mean().item<double>();
  const double spread = sigmas.std(/*unbiased=*/false).item<double>();
  EXPECT_NEAR(mean, sigma_max / 2, 4 * sigma_max / std::sqrt(12.0 * static_cast<double>(n)));
  EXPECT_NEAR(spread, sigma_max / std::sqrt(12.0), 0.15 * sigma_max / std::sqrt(12.0));
  EXPECT_LT(sigmas.min().item<double>(), 0.1 * sigma_max);
  EXPECT_GT(sigmas.max().item<double>(), 0.9 * sigma_max);
}

TEST(DiverseGaussianNoise, DrawsOneSigmaPerExample) {
  auto gen = make_generator(torch::kCPU, 7);
  const auto zeros = torch::zeros({256, 3, 16, 16}, torch::kDouble);
  expect_uniform_per_example(per_example_sigma(add_diverse_gaussian_noise(zeros, 0.2, gen)), 0.2);
  // The fixed-sigma noise of RSE, by contrast, has one level for every example.
  const auto fixed = per_example_sigma(add_gaussian_noise(zeros, 0.1, gen));
  EXPECT_NEAR(fixed.min().item<double>(), 0.1, 0.01);
  EXPECT_NEAR(fixed.max().item<double>(), 0.1, 0.01);
}

// Records what the objective feeds it; logits are a fixed linear function of the mean pixel.
class Recorder : public models::ClassifierImpl {
 public:
  torch::Tensor forward(torch::Tensor images) override {
    inputs.push_back(images.detach().clone());
    const auto m = images.mean({1, 2, 3});
    return torch::stack({m, -m}, 1);
  }
  std::vector<torch::Tensor> inputs;
};

TEST(DiverseGaussianNoise, DignAndGnTrainOnOneSigmaPerExample) {
  const Batch batch{torch::zeros({256, 3, 16, 16}, torch::kDouble),
                    torch::zeros({256}, torch::kLong)};
  {
    Recorder model;
    auto gen = make_generator(torch::kCPU, 3);
    make_objective(DignOptions().sigma_max(0.3).samples(2))->compute(model, batch, gen);
    ASSERT_EQ(model.inputs.size(), 3u);  // clean, then two noisy views
    EXPECT_EQ(model.inputs[0].abs().max().item<double>(), 0.0);
    for (size_t k = 1; k < 3; ++k)
      expect_uniform_per_example(per_example_sigma(model.inputs[k]), 0.3);
    // Each noisy view draws its own levels.
    EXPECT_GT((per_example_sigma(model.inputs[1]) - per_example_sigma(model.inputs[2]))
                  .abs()
                  .max()
                  .item<double>(),
              0.05);
  }
  {
    Recorder model;
    auto gen = make_generator(torch::kCPU, 4);
    make_objective(GaussianNoiseOptions().sigma_max(0.2))->compute(model, batch, gen);
    ASSERT_EQ(model.inputs.size(), 1u);
    expect_uniform_per_example(per_example_sigma(model.inputs[0]), 0.2);
  }
}

}  // namespace
}  // namespace dign::objectives
