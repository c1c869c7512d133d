#include "run/train_options.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_util.h"

namespace dign::run {
namespace {

TEST(TrainOptions, DefaultsAreThePapers) {
  TrainOptions o;
  EXPECT_EQ(o.method.name(), "dign");
  const auto& dign = std::get<objectives::DignOptions>(o.method.options);
  EXPECT_EQ(dign.lambda(), 0.2);
  EXPECT_EQ(dign.sigma_max(), 0.2);
  EXPECT_EQ(dign.samples(), 3);
  EXPECT_EQ(o.epochs, 150);
  EXPECT_EQ(o.batch_size, 128);
  EXPECT_EQ(std::get<models::ResNet18Options>(o.model).width(), 64);
  EXPECT_EQ(o.lr_milestones, (std::vector<int64_t>{50, 100}));
  EXPECT_TRUE(o.nesterov);
  EXPECT_EQ(o.weight_decay, 5e-4);
  EXPECT_EQ(o.augment, "crop,flip,jitter,rotate");
  EXPECT_EQ(o.warmup_epochs, 0);
}

TEST(TrainOptions, JsonRoundTrips) {
  TrainOptions o;
  o.out = "runs/x";
  o.method = objectives::MethodConfig::named("rse");
  o.lr_milestones = {7, 11};
  o.augment = "flip,crop";  // stored in the canonical order
  o.seed = 17;
  o.warmup_epochs = 2;
  o.checkpoint_every = 100;
  o.on_nonfinite = "skip";
  o.sync_bn = true;
  EXPECT_EQ(to_json(train_options_from_json(to_json(o))), to_json(o));
}

TEST(TrainOptions, ConfigWithoutSyncBnIsPerRankBatchNorm) {
  TrainOptions o;
  o.out = "runs/x";
  nlohmann::json j = to_json(o);
  EXPECT_EQ(j.at("sync_bn"), false);
  j.erase("sync_bn");  // a config.json written before the option was recorded
  EXPECT_FALSE(train_options_from_json(j).sync_bn);
  j["sync_bn"] = "yes";
  EXPECT_THROW(train_options_from_json(j), Error);
}

TEST(TrainOptions, ConfigRecordsTheNormAndOneWithoutItIsBatchNorm) {
  TrainOptions o;
  o.out = "runs/x";
  o.method = objectives::MethodConfig::named("augmax");
  o.model = models::WideResNet18Options().norm("dubin");
  nlohmann::json j = to_json(o);
  EXPECT_EQ(j.at("model").at("norm"), "dubin");
  EXPECT_EQ(models::arch_norm(train_options_from_json(j).model), "dubin");
  EXPECT_EQ(to_json(TrainOptions()).at("model").at("norm"), "bn");
  j["model"].erase("norm");  // a config.json written before --norm
  const TrainOptions old = train_options_from_json(j);
  EXPECT_EQ(std::get<models::WideResNet18Options>(old.model).norm(), "bn");
  // dign 0.1's layout (the architecture beside the other options) reads as bn too.
  j.erase("model");
  j["arch"] = "resnet18";
  j["width"] = 8;
  EXPECT_EQ(models::arch_norm(train_options_from_json(j).model), "bn");
  EXPECT_EQ(models::arch_norm(models::DenseNet121Options()), "bn");  // no such option
}

TEST(TrainOptions, DubinIsForAugMaxOnly) {
  // Only AugMax routes images through the auxiliary BatchNorms: with any other method they
  // would never train, and evaluation would not use them.
  TrainOptions o;
  o.out = "x";
  o.model = models::ResNet18Options().norm("dubin");
  for (const char* method : {"dign", "standard", "augmix", "at"}) {
    o.method = objectives::MethodConfig::named(method);
    const std::string e = testing::error_of([&] { o.validate(); });
    EXPECT_TRUE(testing::contains(e, "norm: dubin is for --method augmax only") &&
                testing::contains(e, std::string("got --method ") + method) &&
                testing::contains(e, "auxiliary BatchNorm"))
        << e;
    EXPECT_EQ(testing::option_error_field(o), "norm");
  }
  o.method = objectives::MethodConfig::named("augmax");
  EXPECT_NO_THROW(o.validate());
  o.model = models::ResNet18Options().norm("ibn");
  EXPECT_TRUE(testing::contains(testing::error_of([&] { o.validate(); }),
                                "norm: expected bn or dubin, got 'ibn'"));
}

TEST(TrainOptions, ValidationNamesTheOption) {
  TrainOptions o;
  o.out = "x";
  std::get<objectives::DignOptions>(o.method.options).samples(0);
  EXPECT_TRUE(testing::contains(testing::error_of([&] { o.validate(); }), "samples"));
  o = TrainOptions();
  o.out = "x";
  o.lr_milestones = {5, 3};
  EXPECT_TRUE(testing::contains(testing::error_of([&] { o.validate(); }), "lr_milestones"));
  o = TrainOptions();
  EXPECT_TRUE(testing::contains(testing::error_of([&] { o.validate(); }), "out"));
  o.out = "x";
  o.model = models::ResNet18Options().width(5000);
  EXPECT_TRUE(
      testing::contains(testing::error_of([&] { o.validate(); }), "width: expected 1 to 4096"));
}

}  // namespace
}  // namespace dign::run
