// The per-dataset presets (run/presets.h): the paper's values, explicit flags winning, the
// record, unknown names.
#include "run/presets.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_util.h"

namespace dign::run {
namespace {

TEST(Presets, SetThePapersValuesForTheChosenMethod) {
  TrainOptions o;  // dign by default
  const auto set = apply_preset(preset_named("tiny-imagenet"), o, {});
  const auto& dign = std::get<objectives::DignOptions>(o.method.options);
  EXPECT_EQ(dign.sigma_max(), 0.6);
  EXPECT_EQ(dign.lambda(), 0.2);
  EXPECT_EQ(o.data.image_size, 64);
  EXPECT_EQ(o.preset, "tiny-imagenet");
  EXPECT_EQ(set["method"]["sigma_max"], 0.6);
  EXPECT_EQ(set["train"]["image_size"], 64);
  EXPECT_EQ(o.preset_values, set);

  TrainOptions rse;
  rse.method = objectives::MethodConfig::named("rse");
  apply_preset(preset_named("tiny-imagenet"), rse, {});
  EXPECT_EQ(std::get<objectives::RseOptions>(rse.method.options).sigma(), 0.3);
}

TEST(Presets, FlagsGivenExplicitlyWin) {
  TrainOptions o;
  std::get<objectives::DignOptions>(o.method.options).lambda(0.7);
  o.weight_decay = 1e-4;
  const auto set =
      apply_preset(preset_named("imagenette"), o, {"--lambda", "--weight-decay", "--arch"});
  const auto& dign = std::get<objectives::DignOptions>(o.method.options);
  EXPECT_EQ(dign.lambda(), 0.7);       // given
  EXPECT_EQ(dign.sigma_max(), 1.2);    // the preset's
  EXPECT_EQ(dign.mask_prob(), 0.2);    // A.8's masking
  EXPECT_EQ(o.weight_decay, 1e-4);     // given
  EXPECT_EQ(o.data.image_size, 224);   // the preset's
  EXPECT_FALSE(set.contains("arch"));  // --arch given
  EXPECT_FALSE(set["method"].contains("lambda"));
  EXPECT_EQ(apply_preset(preset_named("imagenette"), o, {})["arch"], "resnet50");
}

TEST(Presets, AMethodThePresetDoesNotMentionKeepsItsDefaults) {
  TrainOptions o;
  o.method = objectives::MethodConfig::named("at");
  const auto before = objectives::to_json(o.method);
  const auto set = apply_preset(preset_named("cifar100"), o, {});
  EXPECT_EQ(objectives::to_json(o.method), before);
  EXPECT_FALSE(set.contains("method"));
}

TEST(Presets, UnknownNameNamesThePresetFieldAndTheKnownOnes) {
  try {
    preset_named("svhn");
    FAIL();
  } catch (const OptionError& e) {
    EXPECT_EQ(e.field(), "preset");
    EXPECT_TRUE(testing::contains(e.what(), "tiny-imagenet")) << e.what();
  }
}

TEST(Presets, TableListsEveryPresetAndWhatItSets) {
  const auto table = presets_table();
  for (const char* name : {"cifar10", "cifar100", "tiny-imagenet", "imagenette"}) {
    EXPECT_TRUE(testing::contains(table, "| " + std::string(name) + " |")) << name;
  }
  EXPECT_TRUE(testing::contains(table, "--arch resnet50")) << table;
  EXPECT_TRUE(testing::contains(table, "--mask-prob 0.2")) << table;
}

TEST(Presets, TheRecordRoundTripsThroughConfigJson) {
  TrainOptions o;
  o.data.path = "data";
  o.out = "run";
  apply_preset(preset_named("cifar100"), o, {});
  const auto back = train_options_from_json(to_json(o));
  EXPECT_EQ(back.preset, "cifar100");
  EXPECT_EQ(back.preset_values, o.preset_values);
  EXPECT_EQ(std::get<objectives::DignOptions>(back.method.options).lambda(), 0.3);
}

}  // namespace
}  // namespace dign::run
