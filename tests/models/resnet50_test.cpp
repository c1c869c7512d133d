// ResNet-50 v1.5 as torchvision builds it, the paper's ImageNette model, on resnet.h's network.
#include <gtest/gtest.h>

#include <cmath>

#include "core/torch_rng.h"
#include "models/memory_format.h"
#include "models/registry.h"
#include "test_util.h"

namespace dign::models {
namespace {
namespace nn = torch::nn;

std::vector<int64_t> shape_of(const Classifier& net, const std::string& name) {
  return net->named_parameters()[name].sizes().vec();
}

int64_t stride_of(const Classifier& net, const std::string& conv) {
  return net->named_modules()[conv]->as<nn::Conv2d>()->options.stride()->at(0);
}

TEST(ResNet50, HasTorchvisionsParameterCountsWithTheClassesHonoured) {
  // torchvision's resnet50() has 25,557,032 parameters at 1000 classes; its 2049 * 1000 fc
  // becomes 2049 * 10 at 10 classes: 23,528,522 (baselines.md section 9; the paper's wrapper
  // built 10 whatever it was asked).
  EXPECT_EQ(count_parameters(*make_model(ResNet50Options())), 23528522);
  const auto imagenet = make_model(ResNet50Options(), ModelData().num_classes(1000));
  EXPECT_EQ(count_parameters(*imagenet), 25557032);
  EXPECT_EQ(shape_of(imagenet, "classifier.weight"), (std::vector<int64_t>{1000, 2048}));
}

TEST(ResNet50, IsVersion1Point5WithTheStrideOnThe3x3) {
  // Blocks [3, 4, 6, 3]: the first of stage 2 is block 3, of stage 3 block 7, of stage 4 block
  // 13. v1.5 strides the 3x3 (conv2) and the shortcut, not the first 1x1.
  const auto net = make_model(ResNet50Options().width(2));
  for (const int first : {3, 7, 13}) {
    const std::string block = "stages." + std::to_string(first);
    EXPECT_EQ(stride_of(net, block + ".conv1"), 1) << block;
    EXPECT_EQ(stride_of(net, block + ".conv2"), 2) << block;
    EXPECT_EQ(stride_of(net, block + ".shortcut.0"), 2) << block;
  }
  EXPECT_EQ(stride_of(net, "stem"), 2);
  EXPECT_EQ(shape_of(net, "stem.weight"), (std::vector<int64_t>{2, 3, 7, 7}));
  // Each stage's bottlenecks output 4x their planes: 8, 16, 32, 64 at width 2.
  EXPECT_EQ(shape_of(net, "stages.0.conv3.weight"), (std::vector<int64_t>{8, 2, 1, 1}));
  EXPECT_EQ(shape_of(net, "stages.15.conv3.weight"), (std::vector<int64_t>{64, 16, 1, 1}));
  EXPECT_TRUE(net->named_modules().contains("stages.15"));
  EXPECT_FALSE(net->named_modules().contains("stages.16"));
}

TEST(ResNet50, ForwardAndBackwardAtANarrowWidth) {
  // 224x224 is its size; 32x32 works too (the last stage sees 1x1 maps).
  for (const int64_t side : {32, 224}) {
    auto net = make_model(ResNet50Options().width(2), ModelData().num_classes(6));
    net->train();
    const auto logits = net->forward(torch::rand({2, 3, side, side}));
    EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{2, 6}));
    logits.logsumexp(1).sum().backward();
    for (const auto& p : net->named_parameters()) {
      ASSERT_TRUE(p.value().grad().defined()) << p.key();
    }
  }
}

TEST(ResNet50, ChannelsLastGivesTheSameLogits) {
  auto net = make_model(ResNet50Options().width(2));
  net->eval();
  const auto x = torch::rand({2, 3, 32, 32});
  const auto before = net->forward(x);
  apply_memory_format(*net, "channels-last");
  EXPECT_TRUE(torch::allclose(before, net->forward(x), 1e-4, 1e-5));
}

TEST(ResNet50, ForwardFlopsByHandAndTorchvisionsPublishedFigure) {
  // Width 1 at 32x32, 10 classes, in multiply-adds. Stem 7x7/2 to 16x16: 3*49*256 = 37,632;
  // max-pool to 8x8. A bottleneck from c channels at planes p on an a-pixel output: c*p (1x1,
  // on the input's pixels) + 9*p*p + 4*p*p, + 4*c*p for a projection shortcut.
  //   stage 1 (p 1, 64 px): (1 + 9 + 4 + 4) * 64 + 2 * (4 + 9 + 4) * 64          =  3,328
  //   stage 2 (p 2, 16 px): 4*2*64 + (36 + 16 + 32) * 16 + 3 * (16 + 36 + 16) * 16 =  5,120
  //   stage 3 (p 4, 4 px):  8*4*16 + (144 + 64 + 128) * 4 + 5 * (64 + 144 + 64) * 4 =  7,296
  //   stage 4 (p 8, 1 px):  16*8*4 + (576 + 256 + 512) + 2 * (256 + 576 + 256)     =  4,032
  //   linear 32 -> 10: 320.                          Total 57,728 multiply-adds, 115,456 FLOPs.
  EXPECT_DOUBLE_EQ(make_model(ResNet50Options().width(1))->forward_flops(32, 32), 115456.0);
  // torchvision's ResNet-50 at 224x224 and 1000 classes: 4,089,184,256 multiply-adds (the
  // "4.09 GFLOPS" of its model table, which counts multiply-adds).
  const auto imagenet = make_model(ResNet50Options(), ModelData().num_classes(1000));
  EXPECT_DOUBLE_EQ(imagenet->forward_flops(224, 224), 2.0 * 4089184256.0);
}

TEST(ResNet50, InitialisesAsTorchvisionFromTheGivenGenerator) {
  // Convolutions N(0, 2 / fan_out) (kaiming_normal_, mode fan_out, ReLU), BatchNorm 1 and 0,
  // the linear layer U(-1/sqrt(fan_in), +): torchvision's ResNet.__init__.
  auto net = make_model(ResNet50Options().width(16));
  auto gen = make_generator(torch::kCPU, 1);
  net->reset_parameters(gen);
  const auto params = net->named_parameters();
  // stages.0.conv2: 16 -> 16, 3x3: fan_out 16 * 9 = 144, std 0.1179; 2,304 draws.
  const double std3x3 = params["stages.0.conv2.weight"].std().item<double>();
  EXPECT_NEAR(std3x3, std::sqrt(2.0 / 144), 0.05 * std::sqrt(2.0 / 144));
  EXPECT_NEAR(params["stages.0.conv2.weight"].mean().item<double>(), 0.0, 0.01);
  // The stem: 16 x 3 x 7 x 7, fan_out 16 * 49 = 784 (fan_in would give sqrt(2 / 147)).
  EXPECT_NEAR(params["stem.weight"].std().item<double>(), std::sqrt(2.0 / 784),
              0.05 * std::sqrt(2.0 / 784));
  EXPECT_TRUE(torch::equal(params["stages.0.bn3.weight"], torch::ones({64})));
  EXPECT_TRUE(torch::equal(params["stages.0.bn3.bias"], torch::zeros({64})));
  const double bound = 1 / std::sqrt(512.0);  // classifier 512 -> 10
  EXPECT_LE(params["classifier.weight"].abs().max().item<double>(), bound);
  EXPECT_GT(params["classifier.weight"].abs().max().item<double>(), 0.8 * bound);
  // The same seed, the same network; nothing drawn from the global generator.
  auto again = make_model(ResNet50Options().width(16));  // construction draws globally
  torch::manual_seed(11);
  const auto expected = torch::rand({8});
  torch::manual_seed(11);
  auto gen_again = make_generator(torch::kCPU, 1);
  again->reset_parameters(gen_again);
  EXPECT_TRUE(torch::equal(torch::rand({8}), expected));
  for (const auto& item : again->named_parameters()) {
    EXPECT_TRUE(torch::equal(item.value(), params[item.key()])) << item.key();
  }
}

TEST(ResNet50, OptionErrorsNameTheirField) {
  EXPECT_EQ(testing::option_error_field(ResNet50Options()), "none");
  EXPECT_EQ(testing::option_error_field(ResNet50Options().width(0)), "width");
  EXPECT_EQ(testing::option_error_field(ResNet50Options().width(4097)), "width");
}

}  // namespace
}  // namespace dign::models
