// The published values: one known cell of each table per dataset and architecture, as printed
// in the paper, and nothing for what the paper does not publish.
#include "experiment/paper_values.h"

#include <gtest/gtest.h>

namespace dign::experiment {
namespace {

using nlohmann::json;

void expect_value(const std::string& paper, const std::string& arch, const std::string& method,
                  const std::string& metric, double expected) {
  const auto v = published(paper, arch, method, metric);
  ASSERT_TRUE(v.has_value()) << paper << " " << arch << " " << method << " " << metric;
  EXPECT_DOUBLE_EQ(*v, expected) << paper << " " << arch << " " << method << " " << metric;
}

TEST(PaperValues, TheDatasetsAreTheGridsPaperKeys) {
  EXPECT_EQ(published_datasets(),
            (std::vector<std::string>{"cifar10", "cifar100", "tiny-imagenet", "imagenette"}));
}

TEST(PaperValues, ResNet18OnCifar10AsBefore) {
  expect_value("cifar10", "resnet18", "standard", "clean", 94.3);      // Table 1
  expect_value("cifar10", "resnet18", "gn", "speckle_noise", 90.4);    // Table 1
  expect_value("cifar10", "resnet18", "standard", "clean_sh", 108.3);  // Table 2
  expect_value("cifar10", "resnet18", "dign-augmix", "rmse", 1.0);     // Table 4
  expect_value("cifar10", "resnet18", "augmix", "clean_rmse", 1.5);    // Tables 2 and 4
}

TEST(PaperValues, ResNet18OnCifar100) {
  expect_value("cifar100", "resnet18", "dign", "mca_n", 68.4);       // Table 1
  expect_value("cifar100", "resnet18", "standard", "clean", 75.8);   // Table 1
  expect_value("cifar100", "resnet18", "dign", "shot_noise", 67.9);  // Table 1, as printed
  expect_value("cifar100", "resnet18", "at", "mca_n", 50.0);         // Table 1, as printed
  expect_value("cifar100", "resnet18", "deepaugment", "speckle_noise", 59.9);
  expect_value("cifar100", "resnet18", "augmix", "clean_sh", 58.8);    // Table 2
  expect_value("cifar100", "resnet18", "trades", "oe_n", 0.3);         // Table 2
  expect_value("cifar100", "resnet18", "dign", "rmse_n", 9.0);         // Table 2
  expect_value("cifar100", "resnet18", "dign-augmix", "rmse", 2.7);    // Table 4
  expect_value("cifar100", "resnet18", "augmax", "clean_rmse", 17.2);  // Tables 2 and 4
}

TEST(PaperValues, ResNet18OnTinyImageNet) {
  expect_value("tiny-imagenet", "resnet18", "standard", "clean", 59.1);   // Table 1
  expect_value("tiny-imagenet", "resnet18", "gn", "mca_n", 37.3);         // Table 1
  expect_value("tiny-imagenet", "resnet18", "dign", "shot_noise", 40.2);  // Table 1
  expect_value("tiny-imagenet", "resnet18", "augmax", "mca", 33.4);       // Table 4
  expect_value("tiny-imagenet", "resnet18", "dign", "clean_rmse", 9.7);   // Table 4
  expect_value("tiny-imagenet", "resnet18", "dign-augmix", "rmse", 4.7);  // Table 4
}

TEST(PaperValues, Table3PerArchitecture) {
  expect_value("cifar10", "wrn18", "dign-augmix", "mca", 92.1);
  expect_value("cifar10", "wrn18", "standard", "clean_rmse", 4.91);  // two decimals, as printed
  expect_value("cifar10", "densenet121", "augmix", "rmse_n", 6.6);
  expect_value("cifar10", "densenet121", "standard", "clean", 93.9);
  expect_value("cifar100", "densenet121", "standard", "rmse", 28.6);
  expect_value("cifar100", "densenet121", "dign-augmix", "mca_n", 68.4);
  expect_value("cifar100", "wrn18", "dign", "rmse_n", 4.1);
  expect_value("cifar100", "wrn18", "augmix", "clean", 77.0);
  // Table 3 is not ResNet-18's Table 4: the same method differs by architecture.
  expect_value("cifar10", "resnet18", "dign", "mca", 86.3);
  expect_value("cifar10", "densenet121", "dign", "mca", 85.1);
}

TEST(PaperValues, UnpublishedIsNothing) {
  // Table 1 prints no speckle noise for Tiny-ImageNet; Table 2 has no Tiny-ImageNet block.
  EXPECT_EQ(published("tiny-imagenet", "resnet18", "standard", "speckle_noise"), std::nullopt);
  EXPECT_EQ(published("tiny-imagenet", "resnet18", "dign", "ece_n"), std::nullopt);
  EXPECT_EQ(published("tiny-imagenet", "resnet18", "dign", "clean_sh"), std::nullopt);
  // Table 4 has no AT; no table has the hybrid's clean accuracy on ResNet-18.
  EXPECT_EQ(published("cifar100", "resnet18", "at", "mca"), std::nullopt);
  EXPECT_EQ(published("cifar10", "resnet18", "dign-augmix", "clean"), std::nullopt);
  // Table 3: four methods, six metrics, CIFAR only.
  EXPECT_EQ(published("cifar10", "densenet121", "at", "clean"), std::nullopt);
  EXPECT_EQ(published("cifar10", "wrn18", "dign", "gaussian_noise"), std::nullopt);
  EXPECT_EQ(published("cifar10", "wrn18", "dign", "clean_ece"), std::nullopt);
  EXPECT_EQ(published("tiny-imagenet", "densenet121", "standard", "clean"), std::nullopt);
  // Other architectures, datasets, metrics.
  EXPECT_EQ(published("cifar10", "resnet50", "standard", "clean"), std::nullopt);
  EXPECT_EQ(published("imagenette", "resnet18", "standard", "clean"), std::nullopt);
  EXPECT_EQ(published("imagenette", "resnet50", "augmix", "clean"), std::nullopt);
  EXPECT_EQ(published("imagenette", "resnet50", "dign", "gaussian_noise"), std::nullopt);
  EXPECT_EQ(published("cifar10", "resnet18", "standard", "nope"), std::nullopt);
}

TEST(PaperValues, Table5TinyImageNetAndTable8ImageNette) {
  // Table 5 adds Tiny-ImageNet's RMSE; where it repeats Table 4 (clean RMSE) the two agree.
  expect_value("tiny-imagenet", "resnet18", "standard", "rmse_n", 28.9);
  expect_value("tiny-imagenet", "resnet18", "at", "clean_rmse", 8.2);
  expect_value("tiny-imagenet", "resnet18", "dign", "rmse_n", 15.5);
  expect_value("tiny-imagenet", "resnet18", "augmax", "clean_rmse", 19.1);
  // Where Table 5 restates Table 2 with another value, Table 2's is kept.
  expect_value("cifar10", "resnet18", "deepaugment", "rmse_n", 5.8);
  expect_value("cifar100", "resnet18", "rse", "clean_rmse", 13.1);
  expect_value("imagenette", "resnet50", "standard", "clean", 93.1);
  expect_value("imagenette", "resnet50", "dign", "rmse_n", 32.4);
  expect_value("imagenette", "resnet50", "dign", "mca", 43.7);
}

TEST(PaperValues, Table6EveryRowOnBothCifars) {
  const json defaults = {{"method", "dign"}, {"lambda", 0.2},       {"sigma_max", 0.2},
                         {"samples", 3},     {"consistency", "kl"}, {"mask_prob", 1.0}};
  EXPECT_EQ(published_dign("cifar10", "resnet18", "t6", defaults, "mca_n"), 91.0);
  EXPECT_EQ(published_dign("cifar100", "resnet18", "t6", defaults, "clean"), 73.1);
  json m = defaults;
  m["lambda"] = 0.05;
  m["samples"] = 1;
  EXPECT_EQ(published_dign("cifar10", "resnet18", "t6", m, "mca"), 84.6);
  EXPECT_EQ(published_dign("cifar100", "resnet18", "t6", m, "mca_n"), 65.4);
  m["sigma_max"] = 0.3;  // (0.05, 0.3, 1) is not a row
  EXPECT_EQ(published_dign("cifar10", "resnet18", "t6", m, "mca"), std::nullopt);
  // Table 6 has no RMSE, no other architecture, no dataset beyond the CIFARs, no JS, no mask.
  EXPECT_EQ(published_dign("cifar10", "resnet18", "t6", defaults, "rmse_n"), std::nullopt);
  EXPECT_EQ(published_dign("cifar10", "wrn18", "t6", defaults, "clean"), std::nullopt);
  EXPECT_EQ(published_dign("tiny-imagenet", "resnet18", "t6", defaults, "clean"), std::nullopt);
  json js = defaults;
  js["consistency"] = "js";
  EXPECT_EQ(published_dign("cifar10", "resnet18", "t6", js, "clean"), std::nullopt);
  json masked = defaults;
  masked["mask_prob"] = 0.2;
  EXPECT_EQ(published_dign("cifar10", "resnet18", "t6", masked, "clean"), std::nullopt);
}

TEST(PaperValues, Table7AtEachDatasetsOwnSetting) {
  const json c10 = {{"method", "dign"}, {"lambda", 0.2},       {"sigma_max", 0.2},
                    {"samples", 3},     {"consistency", "kl"}, {"mask_prob", 1.0}};
  EXPECT_EQ(published_dign("cifar10", "resnet18", "t7", c10, "rmse_n"), 5.6);
  EXPECT_EQ(published_dign("cifar10", "resnet18", "t7", c10, "impulse_noise"), 89.4);
  EXPECT_EQ(published_dign("cifar10", "wrn18", "t7", c10, "clean"), 94.3);
  json js = c10;
  js["consistency"] = "js";
  EXPECT_EQ(published_dign("cifar10", "resnet18", "t7", js, "clean"), 92.9);
  EXPECT_EQ(published_dign("cifar10", "wrn18", "t7", js, "speckle_noise"), 91.8);
  // CIFAR-100's own setting is lambda 0.3 (its preset): at 0.2 Table 7 does not apply.
  EXPECT_EQ(published_dign("cifar100", "resnet18", "t7", c10, "clean"), std::nullopt);
  json c100 = c10;
  c100["lambda"] = 0.3;
  EXPECT_EQ(published_dign("cifar100", "resnet18", "t7", c100, "shot_noise"), 69.7);
  c100["consistency"] = "js";
  EXPECT_EQ(published_dign("cifar100", "wrn18", "t7", c100, "clean_rmse"), 4.6);
  // No Table 7 for DenseNet, Tiny-ImageNet or ImageNette, nor for mCA.
  EXPECT_EQ(published_dign("cifar10", "densenet121", "t7", c10, "clean"), std::nullopt);
  EXPECT_EQ(published_dign("tiny-imagenet", "resnet18", "t7", c10, "clean"), std::nullopt);
  EXPECT_EQ(published_dign("imagenette", "resnet50", "t7", c10, "clean"), std::nullopt);
  EXPECT_EQ(published_dign("cifar10", "resnet18", "t7", c10, "mca"), std::nullopt);
}

}  // namespace
}  // namespace dign::experiment
