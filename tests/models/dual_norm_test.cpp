// AugMax's normalisation layers (models/dual_norm.h): DuBIN's output against instance and batch
// normalisation computed by hand, the routes (which BatchNorm trains, which one evaluates), the
// guard, and the seam --sync-bn uses reaching both BatchNorms of every dual layer.
#include "models/dual_norm.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/torch_rng.h"
#include "distributed/sync_batch_norm.h"
#include "models/registry.h"

namespace dign::models {
namespace {

constexpr double kEps = 1e-5;  // PyTorch's BatchNorm2d and InstanceNorm2d default, as AugMax's

/// (x - mean) / sqrt(biased var + eps) * weight + bias, the statistics over `dims` of x.
torch::Tensor normalised(const torch::Tensor& x, std::vector<int64_t> dims,
                         const torch::Tensor& weight, const torch::Tensor& bias) {
  const auto mean = x.mean(dims, /*keepdim=*/true);
  const auto var = (x - mean).pow(2).mean(dims, /*keepdim=*/true);
  const auto shape = std::vector<int64_t>{1, -1, 1, 1};
  return (x - mean) / (var + kEps).sqrt() * weight.view(shape) + bias.view(shape);
}

/// Sets a BatchNorm's (or InstanceNorm's) affine parameters to `w` + 0.1 c and `b` - 0.2 c for
/// channel c, so that each layer and channel is told apart.
template <typename Norm>
void set_affine(Norm& norm, double w, double b) {
  torch::NoGradGuard no_grad;
  const auto c = torch::arange(norm.weight.size(0), torch::kDouble);
  norm.weight.copy_(w + 0.1 * c);
  norm.bias.copy_(b - 0.2 * c);
}

BatchNorm2dImpl& main_of(DualBatchNorm2dImpl& dual) {
  return *dual.named_children()["main"]->as<BatchNorm2dImpl>();
}
BatchNorm2dImpl& auxiliary_of(DualBatchNorm2dImpl& dual) {
  return *dual.named_children()["auxiliary"]->as<BatchNorm2dImpl>();
}

/// A DuBIN over 5 channels (odd: 2 instance, 3 batch) in double, each norm's affine distinct.
DuBIN dubin5() {
  DuBIN layer(5);
  layer->to(torch::kDouble);
  auto* instance = layer->named_children()["instance_norm"]->as<torch::nn::InstanceNorm2d>();
  auto* dual = layer->named_children()["batch_norm"]->as<DualBatchNorm2d>();
  set_affine(*instance, 2.0, 0.5);
  set_affine(main_of(*dual), 0.7, -0.3);
  set_affine(auxiliary_of(*dual), 1.4, 0.9);
  return layer;
}

/// [3,5,2,3]; sample 0 channel 0 is [[0,2,0],[2,0,2]]: mean 1, variance 1.
torch::Tensor input() {
  auto generator = make_generator(torch::kCPU, 4);
  auto x = torch::rand({3, 5, 2, 3}, generator, torch::kDouble) * 4 - 1;
  x[0][0].copy_(torch::tensor({{0.0, 2.0, 0.0}, {2.0, 0.0, 2.0}}, torch::kDouble));
  return x;
}

TEST(DuBIN, TheFirstFloorHalfIsInstanceNormTheRestTheRoutesBatchNorm) {
  auto layer = dubin5();
  EXPECT_EQ(layer->instance_channels(), 2);  // floor(5 / 2), as the original's int(5 * 0.5)
  auto* instance = layer->named_children()["instance_norm"]->as<torch::nn::InstanceNorm2d>();
  auto* dual = layer->named_children()["batch_norm"]->as<DualBatchNorm2d>();
  ASSERT_NE(instance, nullptr);
  ASSERT_NE(dual, nullptr);
  EXPECT_EQ(instance->options.num_features(), 2);
  EXPECT_TRUE(instance->options.affine() && !instance->options.track_running_stats());
  EXPECT_EQ(main_of(*dual).options.num_features(), 3);
  const auto x = input();
  for (const bool auxiliary : {false, true}) {
    layer->train();
    dual->set_route(auxiliary ? NormRoute::auxiliary : NormRoute::main);
    const auto y = layer->forward(x);
    ASSERT_EQ(y.sizes(), x.sizes());
    // Channels 0-1: each sample's own H x W statistics, InstanceNorm's affine.
    const auto in_part = x.narrow(1, 0, 2);
    EXPECT_TRUE(torch::allclose(y.narrow(1, 0, 2),
                                normalised(in_part, {2, 3}, instance->weight, instance->bias),
                                1e-12, 1e-12));
    // Sample 0, channel 0 by hand: (0 - 1) / sqrt(1 + eps) * 2 + 0.5 and (2 - 1) / ... .
    EXPECT_NEAR(y[0][0][0][0].item<double>(), 0.5 - 2 / std::sqrt(1 + kEps), 1e-12);
    EXPECT_NEAR(y[0][0][0][1].item<double>(), 0.5 + 2 / std::sqrt(1 + kEps), 1e-12);
    // Channels 2-4: statistics over N x H x W, the route's BatchNorm's affine.
    auto& bn = auxiliary ? auxiliary_of(*dual) : main_of(*dual);
    EXPECT_TRUE(torch::allclose(y.narrow(1, 2, 3),
                                normalised(x.narrow(1, 2, 3), {0, 2, 3}, bn.weight, bn.bias), 1e-12,
                                1e-12))
        << (auxiliary ? "auxiliary" : "main");
    // In eval mode the instance half keeps each sample's statistics (no running ones), the
    // batch half takes the running statistics: (x - mean_r) / sqrt(var_r + eps) * w + b.
    layer->eval();
    const auto e = layer->forward(x);
    EXPECT_TRUE(torch::allclose(e.narrow(1, 0, 2), y.narrow(1, 0, 2), 1e-12, 1e-12));
    const auto shape = std::vector<int64_t>{1, -1, 1, 1};
    const auto expected = (x.narrow(1, 2, 3) - bn.running_mean.view(shape)) /
                              (bn.running_var.view(shape) + kEps).sqrt() * bn.weight.view(shape) +
                          bn.bias.view(shape);
    EXPECT_TRUE(torch::allclose(e.narrow(1, 2, 3), expected, 1e-12, 1e-12));
  }
}

TEST(DuBIN, OneChannelHasNoInstanceHalf) {
  DuBIN layer(1);
  EXPECT_EQ(layer->instance_channels(), 0);
  EXPECT_EQ(layer->named_children().size(), 1u);  // the dual BatchNorm alone
  layer->train();
  const auto x = torch::rand({4, 1, 3, 3});
  EXPECT_TRUE(torch::allclose(layer->forward(x),
                              torch::nn::functional::batch_norm(
                                  x, torch::Tensor(), torch::Tensor(),
                                  torch::nn::functional::BatchNormFuncOptions().training(true)),
                              1e-5, 1e-6));
}

TEST(DualBatchNorm2d, OnlyTheRoutesBatchNormTrainsAndTheGuardRestoresTheRoute) {
  auto layer = dubin5();
  auto* dual = layer->named_children()["batch_norm"]->as<DualBatchNorm2d>();
  auto& main = main_of(*dual);
  auto& aux = auxiliary_of(*dual);
  const auto x = input();
  layer->train();
  EXPECT_EQ(dual->route(), NormRoute::main);  // the default, as the original's 'M'
  {
    NormRouteGuard guard(*layer, NormRoute::auxiliary);
    EXPECT_EQ(dual->route(), NormRoute::auxiliary);
    layer->forward(x);
  }
  EXPECT_EQ(dual->route(), NormRoute::main);
  EXPECT_EQ(aux.num_batches_tracked.item<int64_t>(), 1);
  EXPECT_EQ(main.num_batches_tracked.item<int64_t>(), 0);
  EXPECT_TRUE(torch::equal(main.running_mean, torch::zeros({3}, torch::kDouble)));
  // running = 0.9 * 0 + 0.1 * the batch mean of channels 2-4.
  EXPECT_TRUE(torch::allclose(aux.running_mean, 0.1 * x.narrow(1, 2, 3).mean({0, 2, 3})));
  layer->forward(x);  // back on the main route
  EXPECT_EQ(main.num_batches_tracked.item<int64_t>(), 1);
  EXPECT_EQ(aux.num_batches_tracked.item<int64_t>(), 1);
  // Eval mode, main route: the main BatchNorm's running statistics and affine.
  {
    torch::NoGradGuard no_grad;
    main.running_mean.fill_(0.25);
    main.running_var.fill_(2.0);
  }
  layer->eval();
  const auto shape = std::vector<int64_t>{1, -1, 1, 1};
  const auto with_main =
      (x.narrow(1, 2, 3) - 0.25) / std::sqrt(2.0 + kEps) * main.weight.view(shape) +
      main.bias.view(shape);
  EXPECT_TRUE(torch::allclose(layer->forward(x).narrow(1, 2, 3), with_main, 1e-12, 1e-12));
  // A guard restores the route each layer had, not the default.
  dual->set_route(NormRoute::auxiliary);
  {
    NormRouteGuard guard(*layer, NormRoute::main);
    EXPECT_EQ(dual->route(), NormRoute::main);
  }
  EXPECT_EQ(dual->route(), NormRoute::auxiliary);
}

TEST(DualNorm, ResNet18DubinHasDualLayersAndSyncBnReachesBothBatchNormsOfEach) {
  const auto plain = make_model(ResNet18Options().width(4));
  const auto dubin = make_model(ResNet18Options().width(4).norm("dubin"));
  EXPECT_FALSE(has_dual_norm(*plain));
  EXPECT_TRUE(has_dual_norm(*dubin));
  // 20 norms (stem, 2 per block, 3 shortcuts), each with a main and an auxiliary BatchNorm.
  const auto identity = [](torch::Tensor&) {};  // one rank: the sum over ranks is the tensor
  EXPECT_EQ(distributed::enable_sync_batch_norm(*plain, identity), 20);
  EXPECT_EQ(distributed::enable_sync_batch_norm(*dubin, identity), 40);
  int64_t seamed = 0;
  for (const auto& item : dubin->named_modules()) {
    if (auto* bn = item.value()->as<BatchNorm2dImpl>()) {
      EXPECT_TRUE(bn->has_training_forward()) << item.key();
      ++seamed;
    }
  }
  EXPECT_EQ(seamed, 40);
  // Through the seam, a training forward under the auxiliary route trains those BatchNorms.
  dubin->train();
  {
    NormRouteGuard guard(*dubin, NormRoute::auxiliary);
    dubin->forward(torch::rand({4, 3, 8, 8}));
  }
  const auto buffers = dubin->named_buffers();
  EXPECT_EQ(buffers["stages.0.bn1.batch_norm.auxiliary.num_batches_tracked"].item<int64_t>(), 1);
  EXPECT_EQ(buffers["stages.0.bn1.batch_norm.main.num_batches_tracked"].item<int64_t>(), 0);
  EXPECT_EQ(buffers["stem_bn.auxiliary.num_batches_tracked"].item<int64_t>(), 1);
  EXPECT_EQ(buffers["stem_bn.main.num_batches_tracked"].item<int64_t>(), 0);
}

}  // namespace
}  // namespace dign::models
