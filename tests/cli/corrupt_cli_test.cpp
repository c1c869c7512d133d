// `dign corrupt` and `dign eval --corrupted` as a user meets them: the CIFAR-10-C
// layout on disk, the same figures from disk and from in-memory generation, and one
// line of error for bad input with nothing half-written.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/file_io.h"
#include "dign_process.h"
#include "test_util.h"

namespace dign {
namespace {
using testing::contains;

const std::string kData = "--data synthetic --synthetic-train 40 --synthetic-test 12 --threads 1";

class CorruptCli : public ::testing::Test {
 protected:
  testing::TempDir dir;
  testing::ProcessResult run(const std::string& args) { return testing::run_dign(args, dir); }
};

TEST_F(CorruptCli, WritesCifarCLayoutAndEvalReadsTheSameAsGenerated) {
  auto r = run("corrupt " + kData + " --corruptions shot_noise,fog,pixelate --severities 1,3 " +
               "--corruption-seed 5 --out " + dir.str("c") + " --preview " + dir.str("grid.png"));
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* f :
       {"shot_noise.npy", "fog.npy", "pixelate.npy", "labels.npy", "manifest.json"}) {
    EXPECT_TRUE(std::filesystem::exists(dir.str("c/") + f)) << f;
  }
  EXPECT_TRUE(std::filesystem::exists(dir.str("grid.png")));
  const auto manifest = nlohmann::json::parse(read_text_file(dir.str("c/manifest.json")));
  EXPECT_EQ(manifest["severities"], nlohmann::json({1, 3}));
  EXPECT_EQ(manifest["source"]["images"], 12);

  r = run("train " + kData + " --width 2 --epochs 1 --batch-size 16 --quiet --out " +
          dir.str("run"));
  ASSERT_EQ(r.code, 0) << r.err;
  r = run("eval --model " + dir.str("run") + " " + kData + " --corrupted " + dir.str("c") +
          " --report " + dir.str("disk.json") + " --reliability-diagram " + dir.str("rel.svg"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir.str("rel.svg")));
  r = run("eval --model " + dir.str("run") + " " + kData +
          " --corrupted generate --corruptions shot_noise,fog,pixelate --severities 1,3 "
          "--corruption-seed 5 --report " +
          dir.str("mem.json") + " --baseline " + dir.str("disk.json"));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto disk = nlohmann::json::parse(read_text_file(dir.str("disk.json")))["corrupted"];
  const auto mem = nlohmann::json::parse(read_text_file(dir.str("mem.json")))["corrupted"];
  EXPECT_EQ(disk["mca"], mem["mca"]);
  EXPECT_EQ(disk["mca_n"], mem["mca_n"]);
  EXPECT_EQ(disk["all"], mem["all"]);
  EXPECT_EQ(mem["mce"], 1.0);  // the same model as its own baseline
  EXPECT_EQ(disk["mca_corruptions"], 3);
  EXPECT_TRUE(contains(read_text_file(dir.str("mem.md")), "| mCA (3 corruptions"));
  EXPECT_TRUE(contains(read_text_file(dir.str("mem.csv")), "\nfog,,3,12,"));
}

// --test-limit writes the images eval --test-limit takes, with eval's per-image seeds.
TEST_F(CorruptCli, TestLimitWritesTheSubsetEvalGenerates) {
  const std::string corruptions = " --corruptions shot_noise,contrast --severities 2,5";
  auto r = run("corrupt " + kData + corruptions + " --test-limit 7 --quiet --out " + dir.str("c"));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto manifest = nlohmann::json::parse(read_text_file(dir.str("c/manifest.json")));
  EXPECT_EQ(manifest["source"]["images"], 7);
  EXPECT_EQ(manifest["source"]["test_limit"], 7);
  EXPECT_EQ(manifest["images_per_severity"], 7);

  r = run("train " + kData + " --width 2 --epochs 1 --batch-size 16 --quiet --out " +
          dir.str("run"));
  ASSERT_EQ(r.code, 0) << r.err;
  r = run("eval --model " + dir.str("run") + " " + kData + " --test-limit 7 --corrupted " +
          dir.str("c") + " --quiet --report " + dir.str("disk.json"));
  ASSERT_EQ(r.code, 0) << r.err;
  r = run("eval --model " + dir.str("run") + " " + kData + " --test-limit 7 --corrupted generate" +
          corruptions + " --quiet --report " + dir.str("mem.json"));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto disk = nlohmann::json::parse(read_text_file(dir.str("disk.json")))["corrupted"];
  const auto mem = nlohmann::json::parse(read_text_file(dir.str("mem.json")))["corrupted"];
  EXPECT_EQ(disk["images_per_severity"], 7);
  EXPECT_EQ(disk["all"], mem["all"]);
  EXPECT_EQ(disk["per_corruption"], mem["per_corruption"]);
}

TEST_F(CorruptCli, BadInputIsOneLineAndLeavesNothingBehind) {
  struct Case {
    std::string args, expected;
  };
  const std::vector<Case> cases = {
      {"corrupt " + kData + " --corruptions rain --out " + dir.str("x"),
       "unknown corruption 'rain'"},
      {"corrupt " + kData + " --severities 0,6 --out " + dir.str("x"), "--severities"},
      {"corrupt " + kData + " --image-size 48 --out " + dir.str("x"), "64x64"},
      {"corrupt " + kData + " --test-limit -1 --out " + dir.str("x"), "--test-limit"},
      {"corrupt " + kData + " --corruptions frost --frost-dir " + dir.str("none") + " --out " +
           dir.str("x"),
       dir.str("none")},
      {"eval --model " + dir.str("nothing") + " " + kData + " --corrupted " + dir.str("empty"),
       "--corrupted"},
  };
  std::filesystem::create_directories(dir.str("empty"));
  for (const auto& c : cases) {
    const auto r = run(c.args);
    EXPECT_NE(r.code, 0) << c.args;
    EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
    EXPECT_TRUE(contains(r.err, c.expected)) << c.args << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.str("x/manifest.json"))) << c.args;
  }
}

}  // namespace
}  // namespace dign
