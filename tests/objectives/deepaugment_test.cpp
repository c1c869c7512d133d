// DeepAugment (objectives/deepaugment.h) and its Noise2Net (objectives/noise2net.h): the
// network's shape, range and parameter count, images independent of each other, the per-batch
// and per-epoch draws, the loss recomputed by hand, no gradient through the perturbation,
// options. (noise2net_forward was also checked once against the reference's own nn.Module,
// noise2net.py under PyTorch 1.13, given the same K, D and weights: equal within 1e-14 in double
// on 3 images of 9x7, for three draws of mixed kernel sizes and dilations; that check needs
// Python and is not part of this suite.)
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/rng.h"
#include "core/torch_rng.h"
#include "objectives/deepaugment.h"
#include "objectives/divergence.h"
#include "objectives/method.h"
#include "objectives/noise2net.h"
#include "objectives/registry.h"
#include "objectives/test_models.h"
#include "test_util.h"

namespace dign::objectives {
namespace {

/// The seed stream the objective draws an epoch's kernel sizes and dilations from.
uint64_t shapes_seed(uint64_t seed, int64_t epoch) {
  return derive_seed(seed, {purpose_tag("n2n-kernels"), static_cast<uint64_t>(epoch)});
}

Noise2NetShapes uniform_shapes(int64_t kernel_size, int64_t dilation) {
  Noise2NetShapes shapes;
  for (auto& block : shapes) {
    for (auto& conv : block) conv = {kernel_size, dilation};
  }
  return shapes;
}

bool same_shapes(const Noise2NetShapes& a, const Noise2NetShapes& b) {
  for (size_t j = 0; j < a.size(); ++j) {
    for (size_t i = 0; i < a[j].size(); ++i) {
      if (a[j][i].kernel_size != b[j][i].kernel_size || a[j][i].dilation != b[j][i].dilation) {
        return false;
      }
    }
  }
  return true;
}

Noise2NetWeights draw(const Noise2NetShapes& shapes, int64_t images, uint64_t seed,
                      torch::Dtype dtype = torch::kDouble, int64_t hidden = 2) {
  auto gen = make_generator(torch::kCPU, seed);
  return draw_noise2net_weights(shapes, hidden, images, gen, torch::TensorOptions(dtype));
}

torch::Tensor random_images(int64_t n, int64_t size, uint64_t seed) {
  auto gen = make_generator(torch::kCPU, seed);
  return at::empty({n, 3, size, size}, torch::kDouble).uniform_(0.0, 1.0, gen);
}

TEST(Noise2Net, OutputHasTheInputsShapeAndStaysWithinFourEpsOfIt) {
  const double eps = 0.1;
  const auto x = random_images(5, 16, 1);
  const auto weights = draw(draw_noise2net_shapes(shapes_seed(0, 0)), 5, 2);
  const auto y = noise2net_forward(x, weights, eps);
  ASSERT_EQ(y.sizes(), x.sizes());
  EXPECT_TRUE(y.isfinite().all().item<bool>());
  // Each block's output is standardised per channel over H x W (BatchNorm on one sample), so
  // its RMS over a channel is at most 1 and, by the triangle inequality, the four blocks move
  // each channel of each image by an RMS of at most 4 eps.
  const auto rms = (y - x).pow(2).mean({2, 3}).sqrt();  // [5,3]
  EXPECT_LE(rms.max().item<double>(), 4 * eps + 1e-9);
  // ... and, perturbing at every block, by clearly more than nothing.
  EXPECT_GT(rms.min().item<double>(), 0.2 * eps);
  // A standardised channel of n values lies within sqrt(n - 1) of 0: no pixel moves further
  // than 4 eps sqrt(255).
  EXPECT_LE((y - x).abs().max().item<double>(), 4 * eps * std::sqrt(255.0));
  // No clamp, as the reference: some values leave [0,1].
  EXPECT_TRUE(y.min().item<double>() < 0 || y.max().item<double>() > 1);
  EXPECT_TRUE(noise2net_forward(x, weights, 0.0).equal(x));  // eps 0 is the identity
}

TEST(Noise2Net, ImagesAreIndependentOfEachOther) {
  const int64_t n = 4, h = 2;
  const auto shapes = draw_noise2net_shapes(shapes_seed(3, 1));
  const auto weights = draw(shapes, n, 4);
  const auto x = random_images(n, 8, 5);
  const auto y = noise2net_forward(x, weights, 0.2);
  // Another image 2 leaves every other image's output as it was.
  auto x2 = x.clone();
  x2[2] = random_images(1, 8, 6)[0];
  const auto y2 = noise2net_forward(x2, weights, 0.2);
  for (int64_t i = 0; i < n; ++i) {
    if (i == 2) {
      EXPECT_FALSE(torch::allclose(y2[i], y[i]));
    } else {
      EXPECT_TRUE(torch::allclose(y2[i], y[i], 0, 1e-12)) << i;
    }
  }
  // Each image is what a one-image network with that image's slice of every grouped weight
  // makes of it: group i of conv1 (4h rows), of the scale convolutions (h rows) and of conv3
  // (3 rows) belongs to image i.
  for (int64_t i = 0; i < n; ++i) {
    Noise2NetWeights one = draw(shapes, 1, 7);
    for (int64_t j = 0; j < kNoise2NetBlocks; ++j) {
      const auto& all = weights.blocks[j];
      auto& b = one.blocks[j];
      b.conv1 = all.conv1.narrow(0, i * kNoise2NetScale * h, kNoise2NetScale * h);
      for (int64_t c = 0; c < kNoise2NetScale - 1; ++c) {
        b.conv_weight[c] = all.conv_weight[c].narrow(0, i * h, h);
        b.conv_bias[c] = all.conv_bias[c].narrow(0, i * h, h);
      }
      b.conv3 = all.conv3.narrow(0, i * 3, 3);
    }
    const auto alone = noise2net_forward(x.narrow(0, i, 1), one, 0.2);
    EXPECT_TRUE(torch::allclose(alone[0], y[i], 0, 1e-12)) << i;
  }
}

TEST(Noise2Net, WeightsAreRedrawnPerBatchAndRepeatUnderTheSameSeed) {
  const auto shapes = draw_noise2net_shapes(shapes_seed(0, 0));
  // The per-batch streams the training loop derives for batches 0 and 1 of epoch 0.
  const uint64_t batch0 = derive_seed(0, {purpose_tag("objective"), 0, 0});
  const uint64_t batch1 = derive_seed(0, {purpose_tag("objective"), 0, 1});
  const auto a = draw(shapes, 3, batch0).parameters();
  const auto again = draw(shapes, 3, batch0).parameters();
  const auto b = draw(shapes, 3, batch1).parameters();
  ASSERT_EQ(a.size(), b.size());
  int64_t drawn = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    EXPECT_TRUE(a[k].equal(again[k])) << k;
    // Convolutions differ; BatchNorm's weight 1 and bias 0 are no draws.
    const bool batch_norm =
        a[k].dim() == 1 && (a[k].eq(1).all().item<bool>() || a[k].eq(0).all().item<bool>());
    if (!batch_norm) {
      EXPECT_FALSE(a[k].equal(b[k])) << k;
      ++drawn;
    }
  }
  EXPECT_EQ(drawn, 4 * (1 + 2 * 3 + 1));  // per block: conv1, 3 weights and biases, conv3
  // PyTorch's default bounds: conv1's fan_in is 3, so |w| <= 1/sqrt(3).
  EXPECT_LE(a[0].abs().max().item<double>(), 1 / std::sqrt(3.0));
  EXPECT_GT(a[0].abs().max().item<double>(), 0.3);
}

TEST(Noise2Net, KernelSizesAndDilationsChangeBetweenEpochsAndRepeatWithinOne) {
  const auto first = draw_noise2net_shapes(shapes_seed(0, 0));
  EXPECT_TRUE(same_shapes(first, draw_noise2net_shapes(shapes_seed(0, 0))));
  int differing = 0;
  bool kernel_1 = false, kernel_3 = false, dilation_3 = false;
  for (int64_t epoch = 1; epoch < 8; ++epoch) {
    const auto shapes = draw_noise2net_shapes(shapes_seed(0, epoch));
    EXPECT_TRUE(same_shapes(shapes, draw_noise2net_shapes(shapes_seed(0, epoch))));
    differing += !same_shapes(shapes, first);
    for (const auto& block : shapes) {
      for (const auto& conv : block) {
        EXPECT_TRUE(conv.kernel_size == 1 || conv.kernel_size == 3);
        EXPECT_TRUE(conv.dilation >= 1 && conv.dilation <= 3);
        kernel_1 |= conv.kernel_size == 1;
        kernel_3 |= conv.kernel_size == 3;
        dilation_3 |= conv.dilation == 3;
      }
    }
  }
  EXPECT_EQ(differing, 7);  // 12 draws of 6 choices each: a repeat has probability 6^-12
  EXPECT_TRUE(kernel_1 && kernel_3 && dilation_3);
  EXPECT_FALSE(same_shapes(first, draw_noise2net_shapes(shapes_seed(1, 0))));  // another seed
}

TEST(Noise2Net, ParameterCountOfOneImageWithTwoHiddenPlanes) {
  // Per block, h = 2, Bn = 1: conv1 3 -> 8 (24), BN 8 (16), three K x K convs 2 -> 2 with bias
  // (3 * (4 K^2 + 2)), three BNs of 2 (12), conv3 8 -> 3 (24), BN 3 (6): 82 + 12 K^2 + 6 per
  // block, 196 at K = 3 and 100 at K = 1; four blocks: 784 and 400, the sheet's figures.
  auto count = [](const Noise2NetShapes& shapes) {
    int64_t total = 0;
    for (const auto& p : draw(shapes, 1, 0, torch::kFloat32).parameters()) total += p.numel();
    return total;
  };
  EXPECT_EQ(count(uniform_shapes(3, 2)), 784);
  EXPECT_EQ(count(uniform_shapes(1, 1)), 400);
  // Each image adds the same again: the grouped convolutions hold one network per image.
  int64_t four = 0;
  for (const auto& p : draw(uniform_shapes(3, 1), 4, 0).parameters()) four += p.numel();
  EXPECT_EQ(four, 4 * 784);
}

TEST(Noise2Net, ShapeErrorsNameTheFunction) {
  const auto weights = draw(uniform_shapes(1, 1), 2, 0);
  EXPECT_TRUE(testing::contains(
      testing::error_of([&] { noise2net_forward(random_images(3, 4, 0), weights, 0.1); }),
      "noise2net_forward"));
}

/// FixedLinearClassifier that keeps the images it was given.
class RecordingClassifier : public testing::FixedLinearClassifier {
 public:
  torch::Tensor forward(torch::Tensor images) override {
    seen = images;
    return FixedLinearClassifier::forward(images);
  }
  torch::Tensor seen;
};

Batch batch_at(int64_t n, int64_t epoch, uint64_t seed) {
  Batch batch = testing::small_batch(n);
  batch.epoch = epoch;
  batch.seed = seed;
  return batch;
}

TEST(DeepAugment, LossIsCrossEntropyWithTheFirstFractionOfTheBatchPerturbed) {
  for (double fraction : {0.5, 0.75, 1.0}) {
    const int64_t n = 6;
    const int64_t m = static_cast<int64_t>(std::floor(n * fraction));  // 3, 4, 6
    RecordingClassifier model;
    const auto batch = batch_at(n, 2, 9);
    const auto options = DeepAugmentOptions().eps(0.4).fraction(fraction);
    auto objective = make_objective(MethodConfig{options});
    auto gen = make_generator(torch::kCPU, 17);
    const auto out = objective->compute(model, batch, gen);

    // By hand: the epoch's shapes from (seed, epoch); from the batch's generator the weights,
    // then eps_b ~ U(0.2, 0.4).
    auto hand = make_generator(torch::kCPU, 17);
    const auto weights = draw_noise2net_weights(draw_noise2net_shapes(shapes_seed(9, 2)), 2, m,
                                                hand, batch.images.options());
    const double eps = at::empty({1}, torch::kDouble).uniform_(0.2, 0.4, hand).item<double>();
    const auto head = noise2net_forward(batch.images.narrow(0, 0, m), weights, eps);
    auto expected = batch.images.clone();
    expected.narrow(0, 0, m).copy_(head);

    EXPECT_TRUE(torch::allclose(model.seen, expected, 0, 1e-12)) << fraction;
    EXPECT_TRUE(model.seen.narrow(0, m, n - m).equal(batch.images.narrow(0, m, n - m)));
    EXPECT_GT(
        (model.seen.narrow(0, 0, m) - batch.images.narrow(0, 0, m)).abs().max().item<double>(),
        0.05);
    const double ce = cross_entropy(model.forward(expected), batch.labels).item<double>();
    EXPECT_NEAR(out.loss.item<double>(), ce, 1e-12) << fraction;
    ASSERT_EQ(out.terms.size(), 1u);
    EXPECT_EQ(out.terms[0].first, "ce");
  }
}

TEST(DeepAugment, ABatchTooSmallForItsFractionIsTrainedClean) {
  // floor(1 * 0.5) = 0 images perturbed, as the reference's int(B * ratio).
  RecordingClassifier model;
  const auto batch = batch_at(1, 0, 0);
  auto objective = make_objective(MethodConfig{DeepAugmentOptions()});
  auto gen = make_generator(torch::kCPU, 1);
  const auto out = objective->compute(model, batch, gen);
  EXPECT_TRUE(model.seen.equal(batch.images));
  EXPECT_NEAR(out.loss.item<double>(),
              cross_entropy(model.forward(batch.images), batch.labels).item<double>(), 1e-15);
}

double loss_at(int64_t epoch, uint64_t batch_seed, uint64_t run_seed) {
  RecordingClassifier model;
  auto objective = make_objective(MethodConfig{DeepAugmentOptions().eps(0.4)});
  auto gen = make_generator(torch::kCPU, batch_seed);
  return objective->compute(model, batch_at(8, epoch, run_seed), gen).loss.item<double>();
}

TEST(DeepAugment, DrawsDependOnTheBatchsGeneratorTheEpochAndTheRunSeed) {
  const double base = loss_at(0, 1, 0);
  EXPECT_EQ(loss_at(0, 1, 0), base);  // repeatable
  EXPECT_NE(loss_at(0, 2, 0), base);  // another batch: other weights and eps_b
  EXPECT_NE(loss_at(1, 1, 0), base);  // another epoch: other kernel sizes and dilations
  EXPECT_NE(loss_at(0, 1, 5), base);  // another run seed: other kernel sizes and dilations
}

TEST(DeepAugment, NoGradientFlowsIntoThePerturbation) {
  RecordingClassifier model;
  auto batch = batch_at(6, 0, 0);
  batch.images.requires_grad_(true);
  auto objective = make_objective(MethodConfig{DeepAugmentOptions().fraction(0.5)});
  auto gen = make_generator(torch::kCPU, 3);
  const auto out = objective->compute(model, batch, gen);
  out.loss.backward();
  const auto grad = batch.images.grad();
  // The perturbed images are constants of the loss; the clean rest is differentiated.
  EXPECT_EQ(grad.narrow(0, 0, 3).abs().max().item<double>(), 0.0);
  EXPECT_GT(grad.narrow(0, 3, 3).abs().min().item<double>(), 0.0);
  // And the model's parameters do get their gradient.
  EXPECT_TRUE(model.linear()->weight.grad().defined());
}

TEST(DeepAugment, OptionErrorsNameTheirField) {
  using testing::option_error_field;
  EXPECT_EQ(option_error_field(DeepAugmentOptions()), "none");
  EXPECT_EQ(option_error_field(DeepAugmentOptions().fraction(1.0)), "none");
  EXPECT_EQ(option_error_field(DeepAugmentOptions().eps(0.0)), "none");
  EXPECT_EQ(option_error_field(DeepAugmentOptions().fraction(0.0)), "n2n_fraction");
  EXPECT_EQ(option_error_field(DeepAugmentOptions().fraction(1.5)), "n2n_fraction");
  EXPECT_EQ(option_error_field(DeepAugmentOptions().fraction(std::nan(""))), "n2n_fraction");
  EXPECT_EQ(option_error_field(DeepAugmentOptions().eps(-0.1)), "n2n_eps");
  EXPECT_EQ(option_error_field(DeepAugmentOptions().eps(std::numeric_limits<double>::infinity())),
            "n2n_eps");
  EXPECT_EQ(option_error_field(DeepAugmentOptions().hidden(0)), "n2n_hidden");
}

TEST(DeepAugment, DefaultsAndItsConfigRecord) {
  const MethodConfig c = MethodConfig::named("deepaugment");
  const auto j = to_json(c);
  EXPECT_EQ(j["method"], "deepaugment");
  EXPECT_DOUBLE_EQ(j["n2n_eps"].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(j["n2n_fraction"].get<double>(), 0.5);
  EXPECT_EQ(j["n2n_hidden"], 2);
  EXPECT_EQ(c.forward_passes(), 1);
  EXPECT_TRUE(c.views().empty());
  auto code = j;
  code["n2n_eps"] = 0.4;  // the paper's code's settings
  code["n2n_fraction"] = 0.75;
  const auto& read = std::get<DeepAugmentOptions>(method_config_from_json(code).options);
  EXPECT_DOUBLE_EQ(read.eps(), 0.4);
  EXPECT_DOUBLE_EQ(read.fraction(), 0.75);
}

}  // namespace
}  // namespace dign::objectives
