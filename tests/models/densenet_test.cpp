// DenseNet-121 in the CIFAR form of the paper's code (densenet.py): growth rate 12 by default.
#include <gtest/gtest.h>

#include <cstring>

#include "core/torch_rng.h"
#include "models/memory_format.h"
#include "models/registry.h"
#include "test_util.h"

namespace dign::models {
namespace {

std::vector<int64_t> shape_of(const Classifier& net, const std::string& name) {
  return net->named_parameters()[name].sizes().vec();
}

TEST(DenseNet121, HasThePapersParameterCounts) {
  // baselines.md section 9: growth 12 (the paper's code) 1,000,618 at 10 classes and 1,035,268
  // at 100; growth 32 (Huang et al.'s width, same CIFAR form) 6,956,298.
  EXPECT_EQ(count_parameters(*make_model(DenseNet121Options())), 1000618);
  EXPECT_EQ(count_parameters(*make_model(DenseNet121Options(), ModelData().num_classes(100))),
            1035268);
  EXPECT_EQ(count_parameters(*make_model(DenseNet121Options().growth_rate(32))), 6956298);
}

TEST(DenseNet121, ChannelsGrowAndHalveAsThePapersCode) {
  // Growth 12: stem 24; +6*12 -> 96, halved 48; +12*12 -> 192, 96; +24*12 -> 384, 192;
  // +16*12 -> 384. Transitions round down: growth 3 gives 6 + 18 = 24 -> 12, 12 + 36 = 48 -> 24,
  // 24 + 72 = 96 -> 48, 48 + 48 = 96.
  const auto net = make_model(DenseNet121Options());
  EXPECT_EQ(shape_of(net, "stem.weight"), (std::vector<int64_t>{24, 3, 3, 3}));
  EXPECT_EQ(shape_of(net, "trans1.conv.weight"), (std::vector<int64_t>{48, 96, 1, 1}));
  EXPECT_EQ(shape_of(net, "trans2.conv.weight"), (std::vector<int64_t>{96, 192, 1, 1}));
  EXPECT_EQ(shape_of(net, "trans3.conv.weight"), (std::vector<int64_t>{192, 384, 1, 1}));
  EXPECT_EQ(shape_of(net, "classifier.weight"), (std::vector<int64_t>{10, 384}));
  // A bottleneck: 1x1 to 4k, 3x3 to k; the 5th layer of block 2 sees 48 + 4 * 12 channels.
  EXPECT_EQ(shape_of(net, "dense2.4.conv1.weight"), (std::vector<int64_t>{48, 96, 1, 1}));
  EXPECT_EQ(shape_of(net, "dense2.4.conv2.weight"), (std::vector<int64_t>{12, 48, 3, 3}));
  const auto odd = make_model(DenseNet121Options().growth_rate(3));
  EXPECT_EQ(shape_of(odd, "trans3.conv.weight"), (std::vector<int64_t>{48, 96, 1, 1}));
  EXPECT_EQ(shape_of(odd, "classifier.weight"), (std::vector<int64_t>{10, 96}));
}

TEST(DenseNet121, ForwardAndBackwardAtANarrowGrowthRate) {
  // The pooling is adaptive: 32x32 (the paper's) and 64x64 alike.
  for (const int64_t side : {32, 64}) {
    auto net = make_model(DenseNet121Options().growth_rate(2), ModelData().num_classes(4));
    net->train();
    const auto logits = net->forward(torch::rand({2, 3, side, side}));
    EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{2, 4}));
    logits.logsumexp(1).sum().backward();
    for (const auto& p : net->named_parameters()) {
      ASSERT_TRUE(p.value().grad().defined()) << p.key();
    }
  }
}

TEST(DenseNet121, ChannelsLastGivesTheSameLogits) {
  auto net = make_model(DenseNet121Options().growth_rate(2));
  net->eval();
  const auto x = torch::rand({2, 3, 16, 16});
  const auto before = net->forward(x);
  apply_memory_format(*net, "channels-last");
  EXPECT_TRUE(torch::allclose(before, net->forward(x), 1e-4, 1e-5));
}

TEST(DenseNet121, ForwardFlopsByHandAtGrowth2On8Pixels) {
  // Multiply-adds, k = 2 (bottleneck 8 channels), 8x8 input, 10 classes:
  //   stem 3 -> 4, 3x3 on 64 px:                         3*4*9*64             =  6,912
  //   block 1 on 64 px, inputs 4, 6, ..., 14 (sum 54):   8*54*64 + 6*8*2*9*64 = 82,944
  //   transition 16 -> 8 on 64 px:                       16*8*64              =  8,192
  //   block 2 on 16 px, inputs 8, ..., 30 (sum 228):     8*228*16 + 12*144*16 = 56,832
  //   transition 32 -> 16 on 16 px:                      32*16*16             =  8,192
  //   block 3 on 4 px, inputs 16, ..., 62 (sum 936):     8*936*4 + 24*144*4   = 43,776
  //   transition 64 -> 32 on 4 px:                       64*32*4              =  8,192
  //   block 4 on 1 px, inputs 32, ..., 62 (sum 752):     8*752 + 16*144       =  8,320
  //   linear 64 -> 10:                                                        =    640
  // 224,000 multiply-adds, 448,000 FLOPs.
  const auto net = make_model(DenseNet121Options().growth_rate(2));
  EXPECT_DOUBLE_EQ(net->forward_flops(8, 8), 448000.0);
  // Odd sides pool down: 9x9 maps become 4x4 after the first transition, as 8x8 do.
  EXPECT_DOUBLE_EQ(net->forward_flops(9, 9) - net->forward_flops(8, 8),
                   2.0 * (81 - 64) * (3 * 4 * 9 + 8 * 54 + 6 * 8 * 2 * 9 + 16 * 8));
}

TEST(DenseNet121, ImagesBelow8PixelsPoolToNothingAndAreRefusedByName) {
  // Three 2x2 average pools rounding down: 8 -> 4 -> 2 -> 1; 7 -> 3 -> 1 -> 0.
  auto fits = make_model(DenseNet121Options().growth_rate(2), ModelData().image_size(8));
  fits->eval();
  EXPECT_EQ(fits->forward(torch::rand({1, 3, 8, 8})).sizes(), (std::vector<int64_t>{1, 10}));
  try {
    make_model(DenseNet121Options().growth_rate(2), ModelData().image_size(7));
    ADD_FAILURE() << "a 7x7 image was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.field(), "image_size");
    EXPECT_TRUE(testing::contains(e.message(), "densenet121 needs images of at least 8x8"))
        << e.what();
  }
}

TEST(DenseNet121, OptionErrorsNameTheirField) {
  using testing::option_error_field;
  EXPECT_EQ(option_error_field(DenseNet121Options()), "none");
  EXPECT_EQ(option_error_field(DenseNet121Options().growth_rate(0)), "growth_rate");
  EXPECT_EQ(option_error_field(DenseNet121Options().growth_rate(257)), "growth_rate");
  const auto message = testing::error_of([] { make_model(DenseNet121Options().growth_rate(-3)); });
  EXPECT_TRUE(testing::contains(message, "growth_rate: expected 1 to 256, got -3")) << message;
}

TEST(DenseNet121, InitialisationIsLibTorchsConstructionAfterManualSeed) {
  // Default initialisation only (convolutions, BatchNorm, linear), drawn in registration order.
  torch::manual_seed(5);
  const auto reference = make_model(DenseNet121Options().growth_rate(2));
  auto net = make_model(DenseNet121Options().growth_rate(2));
  auto gen = make_generator(torch::kCPU, 5);
  net->reset_parameters(gen);
  const auto a = reference->named_parameters(), b = net->named_parameters();
  for (const auto& item : a) {
    const auto x = item.value().contiguous(), y = b[item.key()].contiguous();
    EXPECT_EQ(std::memcmp(x.data_ptr(), y.data_ptr(), x.nbytes()), 0) << item.key();
  }
}

}  // namespace
}  // namespace dign::models
