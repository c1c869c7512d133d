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
