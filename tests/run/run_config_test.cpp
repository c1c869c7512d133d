#include "run/run_config.h"

#include <gtest/gtest.h>

#include "core/file_io.h"
#include "test_util.h"

namespace dign::run {
namespace {

using testing::contains;
using testing::error_of;

nlohmann::json valid_config() {
  TrainOptions o;
  o.out = "runs/a";
  o.model = models::ResNet18Options().width(16);
  return {{"options", to_json(o)},
          {"model",
           {{"arch", "resnet18"},
            {"model_options",
             {{"num_classes", 10},
              {"width", 16},
              {"mean", {0.49, 0.48, 0.45}},
              {"std", {0.25, 0.24, 0.26}}}}}},
          {"resolved", {{"device", "cpu"}, {"precision", "fp32"}, {"threads", 2}}},
          {"data", {{"train_hash", "xxh3:0"}, {"selection_hash", "xxh3:1"}}},
          {"inference", {{"ensemble", 1}, {"ensemble_sigma", 0.0}}}};
}

std::string parse_error(const nlohmann::json& config) {
  return error_of([&] { parse_run_config(config.dump(), "run/config.json"); });
}

TEST(RunConfig, ParsesWhatTrainWrites) {
  const RunConfig c = parse_run_config(valid_config().dump(2), "run/config.json");
  EXPECT_EQ(std::get<models::ResNet18Options>(c.options.model).width(), 16);
  EXPECT_EQ(c.options.out, "runs/a");
  EXPECT_EQ(models::arch_name(c.model.arch), "resnet18");
  EXPECT_EQ(c.model.data.num_classes(), 10);
  EXPECT_DOUBLE_EQ(c.model.data.std()[2], 0.26);
  EXPECT_EQ(to_json(c.options), valid_config()["options"]);
}

TEST(RunConfig, OptionsAddedInLaterVersionsTakeTheirDefaults) {
  auto config = valid_config();
  for (const char* key : {"warmup_epochs", "checkpoint_every", "keep_last", "on_nonfinite"}) {
    config["options"].erase(key);
  }
  EXPECT_EQ(parse_run_config(config.dump(), "c").options.keep_last, TrainOptions().keep_last);
}

TEST(RunConfig, EveryDefectIsOneErrorNamingTheFile) {
  EXPECT_TRUE(contains(error_of([] { parse_run_config("{\"options\": ", "run/config.json"); }),
                       "run/config.json: not valid JSON"));
  EXPECT_TRUE(contains(error_of([] { parse_run_config("[1, 2]", "run/config.json"); }),
                       "run/config.json: expected a JSON object"));
  struct Case {
    const char* pointer;
    nlohmann::json value;
    const char* expected;
  };
  const std::vector<Case> cases = {
      // A double where an integer belongs: nlohmann's conversion would be undefined behaviour.
      {"/options/model/width", 4e45, "field 'width' is not a 64-bit integer"},
      {"/options/lr_milestones/0", 1e300, "lr_milestones entry is not a 64-bit integer"},
      {"/options/threads", 1LL << 40, "threads out of range"},
      {"/options/method/samples", 2.5, "field 'samples' is not a 64-bit integer"},
      {"/options/seed", -3, "field 'seed' is not an unsigned 64-bit integer"},
      {"/options/lr", "fast", "run/config.json: options are incomplete"},
      {"/options/epochs", 0, "epochs: expected at least 1"},
      {"/options/method/method", "magic", "unknown method 'magic'"},
      {"/options/model/arch", "vgg", "unknown architecture 'vgg'"},
      {"/options/model/depth", 50, "unknown option 'depth'"},
      {"/options/method/lambda", -1.0, "lambda: expected a value >= 0"},
      {"/options/method/sigma", 0.1, "unknown option 'sigma'"},
      {"/options/augment", "crop,blur", "unknown augmentation 'blur'"},
      {"/model/arch", "vgg", "unknown architecture 'vgg'"},
      {"/model/model_options/num_classes", 1, "num_classes: expected 2 to 1000000 classes"},
      {"/model/model_options/width", 1LL << 50, "width: expected 1 to 4096"},
      {"/model/model_options/std", {0.2, 0.0, 0.2}, "positive std (channel 1)"},
      {"/model/model_options/mean", {0.2}, "model record is incomplete"},
      {"/resolved/precision", "fp8", "resolved precision must be fp32 or bf16"},
      {"/data/train_hash", 7, "run/config.json: incomplete"},
      {"/inference/ensemble", 0, "ensemble must be in [1, 100000]"},
      {"/inference/ensemble_sigma", -1.0, "ensemble_sigma must be finite"},
  };
  for (const auto& c : cases) {
    auto config = valid_config();
    config[nlohmann::json::json_pointer(c.pointer)] = c.value;
    const std::string message = parse_error(config);
    EXPECT_TRUE(contains(message, c.expected)) << c.pointer << ": " << message;
    EXPECT_TRUE(contains(message, "run/config.json")) << c.pointer << ": " << message;
  }
  for (const char* pointer : {"/options", "/model", "/resolved", "/data", "/options/data/path"}) {
    auto config = valid_config();
    const auto p = nlohmann::json::json_pointer(pointer);
    config[p.parent_pointer()].erase(p.back());
    EXPECT_TRUE(contains(parse_error(config), "run/config.json")) << pointer;
  }
}

TEST(RunConfig, RunsOfEarlierVersionsStillLoad) {
  // config.json files as dign 0.1 (commit 0bfe3c3) wrote them, kept verbatim: the model's
  // architecture and width were options of their own, and a GN run records only GN's sigma_max.
  const std::string dir = std::string(DIGN_TEST_SOURCE_DIR) + "/run/fixtures/";
  const RunConfig dign = read_run_config(dir + "dign-cifar10-0bfe3c3.json");
  EXPECT_EQ(dign.options.method.name(), "dign");
  EXPECT_EQ(std::get<objectives::DignOptions>(dign.options.method.options).samples(), 3);
  EXPECT_EQ(std::get<models::ResNet18Options>(dign.options.model).width(), 16);
  EXPECT_EQ(dign.options.lr_milestones, (std::vector<int64_t>{7, 11}));
  EXPECT_EQ(std::get<models::ResNet18Options>(dign.model.arch).width(), 16);
  const RunConfig gn = read_run_config(dir + "gn-synthetic-0bfe3c3.json");
  EXPECT_EQ(gn.options.method.name(), "gn");
  EXPECT_DOUBLE_EQ(
      std::get<objectives::GaussianNoiseOptions>(gn.options.method.options).sigma_max(), 0.3);
  // Written back in today's layout, they read back the same.
  EXPECT_EQ(to_json(train_options_from_json(to_json(gn.options))), to_json(gn.options));
}

}  // namespace
}  // namespace dign::run
