// The paper's Wide-ResNet-18 (resnet18wide): ResNet-18 at 5x the stage widths, built by the
// same code as ResNet-18.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/torch_rng.h"
#include "models/registry.h"
#include "test_util.h"

namespace dign::models {
namespace {

std::vector<int64_t> shape_of(const Classifier& net, const std::string& name) {
  return net->named_parameters()[name].sizes().vec();
}

TEST(WideResNet18, HasThePapersWidthsAndParameterCount) {
  // 320-640-1280-2560 channels, 279,019,850 parameters for 10 classes (baselines.md section 9).
  // The whole network is built: about 1 s and 1.1 GB here.
  const WideResNet18Options paper;
  EXPECT_EQ(paper.stage_widths(), (std::array<int64_t, 4>{320, 640, 1280, 2560}));
  const auto net = make_model(paper);
  EXPECT_EQ(count_parameters(*net), 279019850);
  EXPECT_EQ(shape_of(net, "stem.weight"), (std::vector<int64_t>{320, 3, 3, 3}));
  EXPECT_EQ(shape_of(net, "classifier.weight"), (std::vector<int64_t>{10, 2560}));
}

TEST(WideResNet18, IsResNet18AtTheMultipliedWidthBitForBit) {
  // Multiplier 0.25 is ResNet-18 at width 16 (701,466 parameters, baselines.md): the same
  // tensors by name and shape, and from one generator the same initial values.
  const auto wide = make_model(WideResNet18Options().width_multiplier(0.25));
  const auto narrow = make_model(ResNet18Options().width(16));
  EXPECT_EQ(count_parameters(*wide), 701466);
  auto g1 = make_generator(torch::kCPU, 3), g2 = make_generator(torch::kCPU, 3);
  wide->reset_parameters(g1);
  narrow->reset_parameters(g2);
  const auto a = wide->named_parameters(), b = narrow->named_parameters();
  ASSERT_EQ(a.keys(), b.keys());
  for (const auto& item : a) {
    EXPECT_TRUE(torch::equal(item.value(), b[item.key()])) << item.key();
  }
  EXPECT_DOUBLE_EQ(wide->forward_flops(32, 32), narrow->forward_flops(32, 32));
  // Other multipliers at 10 classes (baselines.md): 0.5 -> 2,797,610; 2 -> 44,662,922.
  EXPECT_EQ(count_parameters(*make_model(WideResNet18Options().width_multiplier(0.5))), 2797610);
}

TEST(WideResNet18, RoundsEachStageDownAsThePapersCode) {
  // int(w * 0.3): 64 -> 19 (19.2), 128 -> 38 (38.4), 256 -> 76 (76.8), 512 -> 153 (153.6); not
  // 19 doubled.
  const auto options = WideResNet18Options().width_multiplier(0.3);
  EXPECT_EQ(options.stage_widths(), (std::array<int64_t, 4>{19, 38, 76, 153}));
  const auto net = make_model(options, ModelData().num_classes(3));
  EXPECT_EQ(shape_of(net, "stages.2.conv1.weight"), (std::vector<int64_t>{38, 19, 3, 3}));
  EXPECT_EQ(shape_of(net, "classifier.weight"), (std::vector<int64_t>{3, 153}));
  // The narrowest: 1/64 gives one channel in the first stage.
  EXPECT_EQ(WideResNet18Options().width_multiplier(1.0 / 64).stage_widths(),
            (std::array<int64_t, 4>{1, 2, 4, 8}));
}

TEST(WideResNet18, ForwardAndBackwardAtANarrowWidthOnBothStems) {
  for (const int64_t side : {32, 64}) {
    // Multiplier 1/32: 2-4-8-16 channels; "auto" takes the 7x7/2 stem at 64 px.
    auto net = make_model(WideResNet18Options().width_multiplier(1.0 / 32),
                          ModelData().num_classes(7).image_size(side));
    EXPECT_EQ(shape_of(net, "stem.weight")[3], side == 64 ? 7 : 3);
    net->train();
    const auto logits = net->forward(torch::rand({2, 3, side, side}));
    EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{2, 7}));
    logits.logsumexp(1).sum().backward();
    for (const auto& p : net->named_parameters()) {
      ASSERT_TRUE(p.value().grad().defined()) << p.key();
    }
  }
}

TEST(WideResNet18, ForwardFlopsAreResNet18sAtTheSameWidths) {
  // At multiplier 1/16 the widths are 4-8-16-32, ResNet-18 at width 4, whose FLOPs have a
  // closed form (memory_format_test.cpp); with the tiny stem at 64 px too.
  for (const std::string stem : {"cifar", "tiny"}) {
    const auto wide = make_model(WideResNet18Options().width_multiplier(1.0 / 16).stem(stem));
    const auto narrow = make_model(ResNet18Options().width(4).stem(stem));
    EXPECT_DOUBLE_EQ(wide->forward_flops(64, 64), narrow->forward_flops(64, 64)) << stem;
  }
}

TEST(WideResNet18, OptionErrorsNameTheirField) {
  using testing::option_error_field;
  EXPECT_EQ(option_error_field(WideResNet18Options()), "none");
  EXPECT_EQ(option_error_field(WideResNet18Options().width_multiplier(0.01)), "width_multiplier");
  EXPECT_EQ(option_error_field(WideResNet18Options().width_multiplier(65)), "width_multiplier");
  EXPECT_EQ(option_error_field(WideResNet18Options().width_multiplier(std::nan(""))),
            "width_multiplier");
  EXPECT_EQ(option_error_field(WideResNet18Options().stem("wide")), "stem");
  const auto message =
      testing::error_of([] { make_model(WideResNet18Options().width_multiplier(1000)); });
  EXPECT_TRUE(testing::contains(message, "width_multiplier: expected 0.015625 (1/64) to 64"))
      << message;
}

}  // namespace
}  // namespace dign::models
