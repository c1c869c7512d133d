#include "models/memory_format.h"

#include <gtest/gtest.h>

#include "models/registry.h"
#include "test_util.h"

namespace dign::models {
namespace {
using testing::contains;

TEST(MemoryFormat, ConvertsWeightsInPlaceKeepingOptimizerAndResults) {
  torch::manual_seed(0);
  auto model = make_model(ResNet18Options().width(4));
  torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
  const auto x = torch::rand({3, 3, 32, 32});
  model->eval();
  const auto before = model->forward(x);
  std::vector<const c10::TensorImpl*> identities;
  for (const auto& p : model->parameters()) identities.push_back(p.unsafeGetTensorImpl());

  apply_memory_format(*model, "channels-last");
  int64_t four_d = 0;
  for (const auto& p : model->parameters()) {
    if (p.dim() != 4) continue;
    ++four_d;
    EXPECT_TRUE(p.is_contiguous(at::MemoryFormat::ChannelsLast));
  }
  EXPECT_EQ(four_d, 20);  // stem + 16 block convolutions + 3 projection shortcuts
  // The optimizer still holds the model's own tensors.
  const auto& held = optimizer.param_groups()[0].params();
  ASSERT_EQ(held.size(), identities.size());
  for (size_t i = 0; i < held.size(); ++i) EXPECT_EQ(held[i].unsafeGetTensorImpl(), identities[i]);
  // The activations follow: same logits, computed in the other layout.
  const auto after = model->forward(x);
  EXPECT_TRUE(torch::allclose(before, after, 1e-4, 1e-5));

  apply_memory_format(*model, "contiguous");
  for (const auto& p : model->parameters()) EXPECT_TRUE(p.is_contiguous());
}

// Convolution FLOPs of the CIFAR ResNet-18 at width w on a 32x32 image, in closed form:
// 2 x multiply-adds of the stem, of every 3x3 convolution of the four stages and of the
// three 1x1 projection shortcuts, plus the final linear layer (10 classes).
double resnet18_flops(double w) {
  double macs = 3 * w * 9 * 32 * 32;
  double in = w;
  for (int s = 0; s < 4; ++s) {
    const double c = w * (1 << s), area = (32 >> s) * (32 >> s);
    macs += area * (in * c * 9 + 3 * c * c * 9);  // first block's two, second block's two
    if (s > 0) macs += area * in * c;             // projection shortcut
    in = c;
  }
  return 2 * (macs + in * 10);
}

TEST(ResNet18, ForwardFlopsHaveTheClosedForm) {
  for (int64_t width : {4, 16, 64}) {
    auto model = make_model(ResNet18Options().width(width));
    EXPECT_DOUBLE_EQ(model->forward_flops(32, 32), resnet18_flops(static_cast<double>(width)))
        << width;
  }
  // The published figure: about 0.56 G multiply-adds at width 64 (1.11 GFLOP).
  auto model = make_model(ResNet18Options());
  EXPECT_NEAR(model->forward_flops(32, 32) / 2e9, 0.556, 0.005);
  // Four times the pixels, four times the convolutions' work (the linear layer stays).
  EXPECT_DOUBLE_EQ(model->forward_flops(64, 64) - 2 * 512 * 10,
                   4 * (model->forward_flops(32, 32) - 2 * 512 * 10));
}

}  // namespace
}  // namespace dign::models
