// The per-dataset presets end to end, as a user meets them: a Tiny-ImageNet-shaped run (64x64
// images, --preset tiny-imagenet) trained, its test split corrupted at 64x64 by `dign corrupt`
// and evaluated on that set by `dign eval`, with mCA-N over the noise corruptions present; and
// an ImageNette-shaped one (an ImageFolder of 240x300 images, --preset imagenette: a narrow
// ResNet-50 at 224 px) through `dign corrupt` (the ImageNet-C tree) and `dign eval` at 224 px.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/file_io.h"
#include "core/rng.h"
#include "data/image_test_util.h"
#include "dign_process.h"
#include "test_util.h"

namespace dign {
namespace {

TEST(DatasetShapesEndToEnd, TinyImageNetPresetTrainsCorruptsAndEvaluatesAt64Px) {
  testing::TempDir dir;
  auto run = [&](const std::string& args) { return testing::run_dign(args + " --threads 1", dir); };
  const std::string data =
      "--data synthetic --synthetic-train 60 --synthetic-test 20 --image-size 64";
  const auto trained = run("train " + data +
                           " --preset tiny-imagenet --width 2 --epochs 1 --batch-size 20 "
                           "--quiet --out " +
                           dir.str("run"));
  ASSERT_EQ(trained.code, 0) << trained.err;
  const auto config = nlohmann::json::parse(read_text_file(dir.str("run/config.json")));
  EXPECT_EQ(config["options"]["method"]["sigma_max"], 0.6);
  EXPECT_EQ(config["model"]["model_options"]["image_size"], 64);

  const auto corrupted = run("corrupt " + data +
                             " --corruptions shot_noise,impulse_noise,fog --severities 1,5 "
                             "--quiet --out " +
                             dir.str("c"));
  ASSERT_EQ(corrupted.code, 0) << corrupted.err;

  const auto evaluated = run("eval --model " + dir.str("run") + " " + data + " --corrupted " +
                             dir.str("c") + " --quiet --report " + dir.str("eval.json"));
  ASSERT_EQ(evaluated.code, 0) << evaluated.err;
  const auto report = nlohmann::json::parse(read_text_file(dir.str("eval.json")));
  const auto& c = report["corrupted"];
  EXPECT_EQ(c["mca_corruptions"], 3);
  EXPECT_EQ(c["mca_n_corruptions"], 2);  // shot and impulse, as the paper's Tiny-ImageNet mCA-N
  EXPECT_GE(c["mca_n"].get<double>(), 0.0);
  EXPECT_LE(c["mca_n"].get<double>(), 1.0);
  EXPECT_EQ(c["images_per_severity"], 20);
}

TEST(DatasetShapesEndToEnd, ImagenettePresetTrainsCorruptsAndEvaluatesAt224Px) {
  testing::TempDir dir;
  // Two classes told apart by their colour, with noise, larger than 224 px as ImageNette's.
  SampleRng rng(3);
  for (const char* split : {"train", "test"}) {
    for (int c = 0; c < 2; ++c) {
      for (int i = 0; i < 4; ++i) {
        cv::Mat image = testing::solid(240, 300, c ? 200 : 40, 90, c ? 40 : 200);
        for (auto it = image.begin<cv::Vec3b>(); it != image.end<cv::Vec3b>(); ++it) {
          (*it)[1] = static_cast<uint8_t>(rng.below(256));
        }
        testing::write_image(
            dir.path() / "nette" / split / (c ? "b" : "a") / ("img" + std::to_string(i) + ".png"),
            image);
      }
    }
  }
  auto run = [&](const std::string& args) { return testing::run_dign(args + " --threads 1", dir); };
  const std::string data = "--data " + dir.str("nette") + " --image-size 224";
  const auto trained = run("train " + data +
                           " --preset imagenette --width 2 --epochs 1 --batch-size 4 --quiet "
                           "--out " +
                           dir.str("run"));
  ASSERT_EQ(trained.code, 0) << trained.err;
  const auto config = nlohmann::json::parse(read_text_file(dir.str("run/config.json")));
  EXPECT_EQ(config["options"]["model"]["arch"], "resnet50") << config["options"].dump();
  EXPECT_EQ(config["options"]["method"]["mask_prob"], 0.2);
  EXPECT_EQ(config["options"]["weight_decay"], 3e-3);

  const std::string crop = data + " --resize 256";
  const auto corrupted = run("corrupt " + crop +
                             " --corruptions shot_noise,impulse_noise,fog --severities 1 --quiet "
                             "--out " +
                             dir.str("c"));
  ASSERT_EQ(corrupted.code, 0) << corrupted.err;
  EXPECT_TRUE(std::filesystem::exists(dir.str("c/fog/1/b")));  // the ImageNet-C tree

  for (const std::string& set : {dir.str("c"), std::string("generate")}) {
    const std::string which =
        set == "generate" ? "generate --corruptions shot_noise,impulse_noise,fog --severities 1"
                          : set;
    const auto evaluated = run("eval --model " + dir.str("run") + " " + crop + " --corrupted " +
                               which + " --quiet --report " + dir.str("eval.json"));
    ASSERT_EQ(evaluated.code, 0) << set << ": " << evaluated.err;
    const auto report = nlohmann::json::parse(read_text_file(dir.str("eval.json")));
    EXPECT_EQ(report["corrupted"]["mca_corruptions"], 3) << set;
    EXPECT_EQ(report["corrupted"]["mca_n_corruptions"], 2) << set;
    EXPECT_EQ(report["corrupted"]["images_per_severity"], 8) << set;
  }
}

}  // namespace
}  // namespace dign
