#include "models/init.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/rng.h"
#include "core/torch_rng.h"
#include "models/resnet.h"
#include "test_util.h"

namespace dign::models {
namespace {

namespace nn = torch::nn;

// Same dtype, shape and bytes (torch::equal would call -0.0 and 0.0 equal).
bool bitwise_equal(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes()) return false;
  const auto ca = a.contiguous(), cb = b.contiguous();
  return std::memcmp(ca.data_ptr(), cb.data_ptr(), ca.nbytes()) == 0;
}

// Every parameter and buffer of `a` and `b`, by name, bitwise.
void expect_same_state(nn::Module& a, nn::Module& b, const std::string& what) {
  const auto pa = a.named_parameters(), pb = b.named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (const auto& item : pa) {
    EXPECT_TRUE(bitwise_equal(item.value(), pb[item.key()])) << what << ": " << item.key();
  }
  const auto ba = a.named_buffers(), bb = b.named_buffers();
  ASSERT_EQ(ba.size(), bb.size());
  for (const auto& item : ba) {
    EXPECT_TRUE(bitwise_equal(item.value(), bb[item.key()])) << what << ": " << item.key();
  }
}

Classifier resnet18(int64_t width, int64_t classes) {
  return make_classifier(ResNet18Options().width(width), ModelData().num_classes(classes));
}

TEST(Init, ResNet18IsBitwiseLibTorchsConstructionAfterManualSeed) {
  // The seeds `dign train` used (derive_seed(seed, "init")) and plain ones, at several
  // widths and class counts: committed runs and checkpoints stay valid.
  const uint64_t seeds[] = {0, 1234567, derive_seed(0, {purpose_tag("init")}),
                            derive_seed(3, {purpose_tag("init")})};
  const std::pair<int64_t, int64_t> shapes[] = {{1, 2}, {4, 10}, {8, 7}, {16, 100}};
  for (const uint64_t seed : seeds) {
    for (const auto& [width, classes] : shapes) {
      const std::string what = "seed " + std::to_string(seed) + ", width " + std::to_string(width) +
                               ", " + std::to_string(classes) + " classes";
      torch::manual_seed(seed);
      auto reference = resnet18(width, classes);

      torch::manual_seed(seed + 1);  // other weights, then running stats and params disturbed
      auto net = resnet18(width, classes);
      net->train();
      net->forward(torch::rand({2, 3, 8, 8}));
      {
        torch::NoGradGuard no_grad;
        for (auto& p : net->parameters()) p.add_(0.5);
      }
      auto gen = make_generator(torch::kCPU, seed);
      net->reset_parameters(gen);
      expect_same_state(*reference, *net, what);
    }
  }
}

TEST(Init, BoundsOfATinyConvAndLinearAndTheirDrawOrder) {
  // Conv2d(3 -> 4, 3x3): fan_in 3 * 3 * 3 = 27; Linear(27 -> 5): fan_in 27. Weights
  // U(-b, b) with b = sqrt(3) * sqrt(2 / (1 + 5)) / sqrt(27) = 1 / sqrt(27) = 0.19245...,
  // biases U(-1/sqrt(27), 1/sqrt(27)).
  const double b = 1.0 / std::sqrt(27.0);
  EXPECT_NEAR(b, 0.19245008972987526, 1e-16);
  EXPECT_NEAR(default_weight_bound(27), b, 1e-15);
  EXPECT_EQ(default_bias_bound(27), b);
  EXPECT_NEAR(default_weight_bound(64 * 9), 1.0 / 24.0, 1e-15);  // 3x3 conv from 64 channels

  auto net = nn::Sequential(nn::Conv2d(nn::Conv2dOptions(3, 4, 3)), nn::Linear(27, 5));
  auto gen = make_generator(torch::kCPU, 11);
  reset_default_parameters(*net, gen);
  const auto& conv = *net->ptr<nn::Conv2dImpl>(0);
  const auto& linear = *net->ptr<nn::LinearImpl>(1);
  for (const auto& p : net->parameters()) {
    EXPECT_LE(p.abs().max().item<double>(), b + 1e-7);
  }
  // 108 and 135 draws reach near both ends of the interval.
  EXPECT_GT(conv.weight.max().item<double>(), 0.8 * b);
  EXPECT_LT(conv.weight.min().item<double>(), -0.8 * b);
  EXPECT_GT(linear.weight.max().item<double>(), 0.8 * b);
  EXPECT_LT(linear.weight.min().item<double>(), -0.8 * b);

  // One stream, in registration order: conv weight, conv bias, linear weight, linear bias.
  auto replay = make_generator(torch::kCPU, 11);
  const double wb = default_weight_bound(27);
  EXPECT_TRUE(bitwise_equal(conv.weight, torch::empty({4, 3, 3, 3}).uniform_(-wb, wb, replay)));
  EXPECT_TRUE(bitwise_equal(conv.bias, torch::empty({4}).uniform_(-b, b, replay)));
  EXPECT_TRUE(bitwise_equal(linear.weight, torch::empty({5, 27}).uniform_(-wb, wb, replay)));
  EXPECT_TRUE(bitwise_equal(linear.bias, torch::empty({5}).uniform_(-b, b, replay)));
}

TEST(Init, BatchNormIsResetWithoutDraws) {
  auto bn = nn::BatchNorm2d(3);
  bn->train();
  bn->forward(torch::rand({4, 3, 2, 2}) * 5);
  {
    torch::NoGradGuard no_grad;
    bn->weight.fill_(2);
    bn->bias.fill_(-1);
  }
  auto gen = make_generator(torch::kCPU, 5);
  reset_default_parameters(*bn, gen);
  EXPECT_TRUE(torch::equal(bn->weight, torch::ones({3})));
  EXPECT_TRUE(torch::equal(bn->bias, torch::zeros({3})));
  EXPECT_TRUE(torch::equal(bn->running_mean, torch::zeros({3})));
  EXPECT_TRUE(torch::equal(bn->running_var, torch::ones({3})));
  EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 0);
  // No draw: the generator's next numbers are still its first.
  auto fresh = make_generator(torch::kCPU, 5);
  EXPECT_TRUE(torch::equal(torch::rand({4}, gen), torch::rand({4}, fresh)));
}

TEST(Init, DubinsInstanceNormIsResetWithoutDrawsAndTheSeedDecidesTheRest) {
  // --norm dubin adds InstanceNorm2d (affine: weight 1, bias 0, as PyTorch's) and a second
  // BatchNorm per layer: none of them draws, so two models from one seed are bitwise equal.
  const auto dubin = ResNet18Options().width(4).norm("dubin");
  auto a = make_classifier(dubin, ModelData()), b = make_classifier(dubin, ModelData());
  {
    torch::NoGradGuard no_grad;
    for (auto& p : a->parameters()) p.fill_(3);
  }
  auto g = make_generator(torch::kCPU, 1), g_again = make_generator(torch::kCPU, 1);
  a->reset_parameters(g);
  b->reset_parameters(g_again);
  expect_same_state(*a, *b, "dubin, seed 1 twice");
  const auto params = a->named_parameters();
  EXPECT_TRUE(torch::equal(params["stages.0.bn1.instance_norm.weight"], torch::ones({2})));
  EXPECT_TRUE(torch::equal(params["stages.0.bn1.instance_norm.bias"], torch::zeros({2})));
  EXPECT_TRUE(torch::equal(params["stem_bn.auxiliary.weight"], torch::ones({4})));
  // The convolutions draw what the plain network's draw, in the same order.
  auto plain = resnet18(4, 10);
  auto g_plain = make_generator(torch::kCPU, 1);
  plain->reset_parameters(g_plain);
  for (const auto& item : plain->named_parameters()) {
    if (item.value().dim() > 1) {
      EXPECT_TRUE(bitwise_equal(item.value(), params[item.key()])) << item.key();
    }
  }
}

TEST(Init, DrawsOnlyFromTheGivenGenerator) {
  auto net = resnet18(4, 10);  // construction itself uses the global generator
  torch::manual_seed(99);
  const auto expected = torch::rand({16});
  torch::manual_seed(99);
  auto gen = make_generator(torch::kCPU, 7);
  net->reset_parameters(gen);
  EXPECT_TRUE(bitwise_equal(torch::rand({16}), expected));
}

TEST(Init, TheSeedDecidesTheWeights) {
  auto a = resnet18(4, 10), b = resnet18(4, 10), c = resnet18(4, 10);
  auto g1 = make_generator(torch::kCPU, 1), g1_again = make_generator(torch::kCPU, 1);
  auto g2 = make_generator(torch::kCPU, 2);
  a->reset_parameters(g1);
  b->reset_parameters(g1_again);
  c->reset_parameters(g2);
  expect_same_state(*a, *b, "seed 1 twice");
  const auto pa = a->named_parameters(), pc = c->named_parameters();
  for (const auto& name : {"stem.weight", "stages.0.conv1.weight", "classifier.weight"}) {
    EXPECT_FALSE(torch::equal(pa[name], pc[name])) << name;
  }
}

TEST(Init, UnknownParameterisedModulesAreNamed) {
  struct Custom : nn::Module {
    Custom() {
      register_module("conv", nn::Conv2d(3, 3, 1));
      register_module("norm", nn::GroupNorm(1, 3));
    }
  };
  auto net = std::make_shared<Custom>();
  auto gen = make_generator(torch::kCPU, 0);
  const auto message = testing::error_of([&] { reset_default_parameters(*net, gen); });
  EXPECT_TRUE(testing::contains(message, "norm")) << message;
  EXPECT_TRUE(testing::contains(message, "GroupNorm")) << message;
  EXPECT_TRUE(testing::contains(message, "reset_parameters")) << message;
}

// make_generator (core/torch_rng.h) has no test file of its own yet; its CUDA path is what
// lets a CUDA run initialise on the CPU and train from its own generator.
TEST(MakeGenerator, CpuIsSeededAndCudaNeedsACudaBuild) {
  auto a = make_generator(torch::kCPU, 42), b = make_generator(torch::kCPU, 42);
  EXPECT_EQ(a.current_seed(), 42u);
  EXPECT_TRUE(torch::equal(torch::rand({8}, a), torch::rand({8}, b)));
#ifndef DIGN_TORCH_CUDA
  const auto message = testing::error_of([] { make_generator(torch::Device("cuda:0"), 1); });
  EXPECT_TRUE(testing::contains(message, "make_generator")) << message;
  EXPECT_TRUE(testing::contains(message, "without CUDA")) << message;
#endif
}

}  // namespace
}  // namespace dign::models
