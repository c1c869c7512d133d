// The per-dataset presets end to end, as a user meets them: a Tiny-ImageNet-shaped run (64x64
// images, --preset tiny-imagenet) trained, its test split corrupted at 64x64 by `dign corrupt`
// and evaluated on that set by `dign eval`, with mCA-N over the noise corruptions present.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/file_io.h"
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

}  // namespace
}  // namespace dign
