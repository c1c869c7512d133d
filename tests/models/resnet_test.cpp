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

TEST(ModelRegistry, UnknownNamesAreNamed) {
  const auto message = testing::error_of([] { arch_named("vgg"); });
  EXPECT_TRUE(testing::contains(message, "arch")) << message;
  EXPECT_TRUE(testing::contains(message, "vgg")) << message;
  EXPECT_TRUE(testing::contains(message, "resnet18")) << message;
}

TEST(ModelRegistry, EveryArchitectureBuildsWithItsReferenceParameterCount) {
  // Each architecture states its trainable parameters at its default (the paper's) options
  // for 10 classes; the built network must have exactly that many.
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
}

}  // namespace
}  // namespace dign::models
