// `dign train --preset` and `--list-presets` as a user meets them.
#include <gtest/gtest.h>

#include <string>

#include "core/file_io.h"
#include "dign_process.h"
#include "test_util.h"

namespace dign {
namespace {
using testing::contains;

class PresetCli : public ::testing::Test {
 protected:
  testing::TempDir dir;
  testing::ProcessResult run(const std::string& args) {
    return testing::run_dign(args + " --threads 1", dir);
  }
  std::string train_args(const std::string& extra) {
    return "train --data synthetic --synthetic-train 40 --synthetic-test 20 --width 2 "
           "--epochs 1 --batch-size 16 --quiet --out " +
           dir.str("run") + " " + extra;
  }
};

TEST_F(PresetCli, ListsThePresetsWithoutData) {
  const auto r = run("train --list-presets");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "| imagenette |")) << r.out;
  EXPECT_TRUE(contains(r.out, "--sigma-max 0.6")) << r.out;
}

TEST_F(PresetCli, APresetSetsThePapersValuesAndGivenFlagsWin) {
  const auto r = run(train_args("--preset tiny-imagenet --lambda 0.5"));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto config = nlohmann::json::parse(read_text_file(dir.str("run/config.json")));
  const auto& o = config["options"];
  EXPECT_EQ(o["preset"], "tiny-imagenet");
  EXPECT_EQ(o["method"]["sigma_max"], 0.6);
  EXPECT_EQ(o["method"]["lambda"], 0.5);  // given, not the preset's 0.2
  EXPECT_EQ(o["data"]["image_size"], 64);
  EXPECT_EQ(o["preset_values"]["method"]["sigma_max"], 0.6);
  EXPECT_FALSE(o["preset_values"]["method"].contains("lambda")) << o.dump();
  // --stem auto builds the 7x7 stem at 64 px.
  EXPECT_EQ(config["model"]["model_options"]["image_size"], 64) << config["model"].dump();
}

TEST_F(PresetCli, AnUnknownPresetIsAOneLineErrorAndWritesNothing) {
  const auto r = run(train_args("--preset svhn"));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
  EXPECT_TRUE(contains(r.err, "--preset")) << r.err;
  EXPECT_TRUE(contains(r.err, "imagenette")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.str("run")));
}

}  // namespace
}  // namespace dign
