#include "models/resnet.h"

#include <gtest/gtest.h>

#include "models/registry.h"
#include "test_util.h"

namespace dign::models {
namespace {

int64_t parameter_count(torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

TEST(ResNet18, HasThePublishedParameterCountAtWidth64) {
  // The CIFAR ResNet-18 (3x3 stem, 10 classes) has 11,173,962 parameters.
  auto net = make_model(ResNet18Options());
  EXPECT_EQ(parameter_count(*net), 11173962);
}

TEST(ResNet18, Takes32And64PixelInputs) {
  auto net = make_model(ResNet18Options().width(4), ModelData().num_classes(7));
  net->eval();
  EXPECT_EQ(net->forward(torch::rand({2, 3, 32, 32})).sizes(), (std::vector<int64_t>{2, 7}));
  EXPECT_EQ(net->forward(torch::rand({2, 3, 64, 64})).sizes(), (std::vector<int64_t>{2, 7}));
}

TEST(ResNet18, NormalizationIsPartOfTheModel) {
  // Shifting the stored mean by d and feeding x + d gives the same logits.
  const ModelData o = ModelData().mean({0.1, 0.2, 0.3}).std({0.5, 0.5, 0.5});
  torch::manual_seed(0);
  auto a = make_model(ResNet18Options().width(4), o);
  torch::manual_seed(0);
  auto b = make_model(ResNet18Options().width(4), ModelData(o).mean({0.2, 0.3, 0.4}));
  a->eval();
  b->eval();
  const auto x = torch::rand({2, 3, 32, 32});
  EXPECT_TRUE(torch::allclose(a->forward(x), b->forward(x + 0.1), 1e-4, 1e-5));
  bool has_buffer = false;
  for (const auto& buffer : a->named_buffers()) has_buffer |= buffer.key() == "normalize.mean";
  EXPECT_TRUE(has_buffer);
}

std::vector<int64_t> stem_shape(const Classifier& net) {
  return net->named_parameters()["stem.weight"].sizes().vec();
}

TEST(ResNet18, StemAutoIsCifarBelow64PixelsAndWhenTheSizeIsUnknown) {
  const auto w4 = ResNet18Options().width(4);
  const std::vector<int64_t> cifar = {4, 3, 3, 3}, tiny = {4, 3, 7, 7};
  EXPECT_EQ(stem_shape(make_model(w4)), cifar);  // no image size: dign 0.2's records
  EXPECT_EQ(stem_shape(make_model(w4, ModelData().image_size(32))), cifar);
  EXPECT_EQ(stem_shape(make_model(w4, ModelData().image_size(63))), cifar);
  EXPECT_EQ(stem_shape(make_model(w4, ModelData().image_size(64))), tiny);
  EXPECT_EQ(stem_shape(make_model(w4, ModelData().image_size(224))), tiny);
  // Forced either way, whatever the size.
  EXPECT_EQ(stem_shape(make_model(ResNet18Options(w4).stem("cifar"), ModelData().image_size(64))),
            cifar);
  EXPECT_EQ(stem_shape(make_model(ResNet18Options(w4).stem("tiny"), ModelData().image_size(32))),
            tiny);
  EXPECT_EQ(resolve_stem("auto", 0), "cifar");
  EXPECT_EQ(resolve_stem("auto", 64), "tiny");
  EXPECT_EQ(resolve_stem("cifar", 64), "cifar");
}

TEST(ResNet18, TinyImageNetStemHasThePapersParameterCount) {
  // The paper's resnet18_64 for Tiny-ImageNet's 200 classes (baselines.md section 9); at 10
  // classes the 7x7 stem adds 64 * 3 * (49 - 9) = 7,680 to 11,173,962.
  EXPECT_EQ(
      count_parameters(*make_model(ResNet18Options().stem("tiny"), ModelData().num_classes(200))),
      11279112);
  EXPECT_EQ(count_parameters(*make_model(ResNet18Options().stem("tiny"))), 11181642);
}

TEST(ResNet18, TinyStemHalvesTheMapSoA64PixelImageCostsWhatA32PixelOneDid) {
  // Past the stem, a 64x64 image with the 7x7/2 stem meets the maps a 32x32 one meets with the
  // 3x3/1 stem; only the stem's own FLOPs differ: 2 * w * 3 * (49 - 9) * 32 * 32.
  const int64_t w = 4;
  const auto cifar = make_model(ResNet18Options().width(w).stem("cifar"));
  const auto tiny = make_model(ResNet18Options().width(w).stem("tiny"));
  EXPECT_DOUBLE_EQ(tiny->forward_flops(64, 64),
                   cifar->forward_flops(32, 32) + 2.0 * w * 3 * (49 - 9) * 32 * 32);
  // Odd sides round up: a 65x65 image gives 33x33 maps after the stem.
  EXPECT_DOUBLE_EQ(tiny->forward_flops(65, 65) - tiny->forward_flops(64, 64),
                   cifar->forward_flops(33, 33) - cifar->forward_flops(32, 32) +
                       2.0 * w * 3 * (49 - 9) * (33 * 33 - 32 * 32));
}

TEST(ResNet18, TinyStemForwardAndBackwardAt64Pixels) {
  auto net = make_model(ResNet18Options().width(2), ModelData().num_classes(5).image_size(64));
  EXPECT_EQ(stem_shape(net), (std::vector<int64_t>{2, 3, 7, 7}));
  net->train();
  const auto logits = net->forward(torch::rand({3, 3, 64, 64}));
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{3, 5}));
  logits.sum().backward();
  for (const auto& p : net->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
  }
  EXPECT_GT(net->named_parameters()["stem.weight"].grad().abs().sum().item<double>(), 0);
}

TEST(ResNet18, DubinAddsTheAuxiliaryBatchNormsToThePublishedCount) {
  // --norm dubin (AugMax's ResNet18_DuBIN), counted by hand at width w = 64, 10 classes.
  // BatchNorm channels of ResNet-18: stem w; stage 1: 4 x w (bn1, bn2 of 2 blocks); stages 2-4:
  // 5 x planes (bn1, bn2 of 2 blocks + the shortcut's): w + 4w + 5 * 2w + 5 * 4w + 5 * 8w = 75w
  // = 4,800, i.e. 9,600 affine parameters of the 11,173,962.
  // DuBIN replaces bn1 of the 6 blocks of stages 1-3: 2 * (w + 2w + 4w) = 14w = 896 channels;
  // the other 61w = 3,904 channels become dual BatchNorms.
  //   a dual BatchNorm over C channels: 2C (main) + 2C (auxiliary) = 4C, i.e. 2C more;
  //   a DuBIN over C (even) channels: 2 (C/2) InstanceNorm + 4 (C/2) dual BatchNorm = 3C, C more
  //   (the auxiliary BatchNorm's C; InstanceNorm's affine takes the half the main one lost).
  // Extra: 2 * 3,904 + 896 = 8,704, so 11,173,962 + 8,704 = 11,182,666.
  const auto net = make_model(ResNet18Options().norm("dubin"));
  EXPECT_EQ(count_parameters(*net), 11182666);
  const auto params = net->named_parameters();
  EXPECT_EQ(params["stem_bn.auxiliary.weight"].numel(), 64);
  EXPECT_EQ(params["stages.0.bn1.instance_norm.weight"].numel(), 32);
  EXPECT_EQ(params["stages.0.bn1.batch_norm.auxiliary.weight"].numel(), 32);
  EXPECT_EQ(params["stages.5.bn1.instance_norm.bias"].numel(), 128);  // stage 3, last block
  EXPECT_EQ(params["stages.6.bn1.main.weight"].numel(), 512);  // stage 4: dual BatchNorms only
  EXPECT_EQ(params["stages.2.shortcut.1.auxiliary.weight"].numel(), 128);
  EXPECT_EQ(params["stages.7.bn2.auxiliary.bias"].numel(), 512);
  EXPECT_FALSE(params.contains("stages.6.bn1.instance_norm.weight"));
  // The default norm keeps the names and count of plain ResNet-18.
  EXPECT_TRUE(make_model(ResNet18Options())->named_parameters().contains("stages.0.bn1.weight"));
}

TEST(ResNet18, DubinTrainsAndEvaluatesAtAnyWidthUnderBothRoutes) {
  // Width 1: stage 1's DuBIN has one channel and no instance half; wrn18 builds it too.
  for (const ArchOptions& arch :
       {ArchOptions(ResNet18Options().width(1).norm("dubin")),
        ArchOptions(ResNet18Options().width(3).norm("dubin")),
        ArchOptions(WideResNet18Options().width_multiplier(0.03125).norm("dubin"))}) {
    auto net = make_model(arch, ModelData().num_classes(3));
    net->train();
    const auto x = torch::rand({2, 3, 16, 16});
    {
      NormRouteGuard auxiliary(*net, NormRoute::auxiliary);
      net->forward(x).sum().backward();
    }
    net->eval();
    EXPECT_EQ(net->forward(x).sizes(), (std::vector<int64_t>{2, 3})) << arch_name(arch);
  }
  EXPECT_EQ(testing::option_error_field(ResNet18Options().norm("ibn")), "norm");
  EXPECT_EQ(testing::option_error_field(WideResNet18Options().norm("BN")), "norm");
  EXPECT_EQ(testing::option_error_field(ResNet18Options().norm("dubin")), "none");
}

TEST(ModelRegistry, UnknownNamesAreNamed) {
  const auto message = testing::error_of([] { arch_named("vgg"); });
  EXPECT_TRUE(testing::contains(message, "arch")) << message;
  EXPECT_TRUE(testing::contains(message, "vgg")) << message;
  EXPECT_TRUE(testing::contains(message, "resnet18")) << message;
}

TEST(ModelRegistry, EveryArchitectureBuildsWithItsReferenceParameterCount) {
  // Each architecture states its trainable parameters at its default (the paper's) options
  // for 10 classes; the built network must have exactly that many. (Wide-ResNet-18's 279M
  // parameters are built too: about 1 s here.)
  for (const auto& entry : arch_catalog()) {
    const auto net = make_model(entry.defaults, ModelData().num_classes(10));
    const int64_t expected =
        std::visit([](const auto& o) { return o.kReferenceParameters; }, entry.defaults);
    EXPECT_EQ(count_parameters(*net), expected) << entry.name;
    EXPECT_EQ(arch_name(arch_named(entry.name)), entry.name);
  }
}

TEST(ModelRegistry, OptionsOutOfRangeNameTheirField) {
  const auto message = testing::error_of([] { make_model(ResNet18Options().width(5000)); });
  EXPECT_TRUE(testing::contains(message, "width: expected 1 to 4096, got 5000")) << message;
  EXPECT_EQ(testing::option_error_field(ResNet18Options().stem("imagenet")), "stem");
  EXPECT_EQ(testing::option_error_field(ResNet18Options().width(0)), "width");
  EXPECT_EQ(testing::option_error_field(ResNet18Options().stem("tiny")), "none");
}

}  // namespace
}  // namespace dign::models
