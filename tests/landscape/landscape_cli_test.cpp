// `dign landscape` as a user meets it: two tiny synthetic runs in, the report, CSV and both
// figures out, the same numbers again for the same seed; bad input is one line naming the
// flag, exit 2, and nothing written.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/file_io.h"
#include "dign_process.h"
#include "test_util.h"

namespace dign {
namespace {
using testing::contains;
using testing::ProcessResult;

class LandscapeCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    for (const char* method : {"standard", "dign"}) {
      const auto r = testing::run_dign(
          std::string("train --data synthetic --synthetic-train 40 --synthetic-test 20 --width 2 "
                      "--epochs 1 --batch-size 16 --quiet --threads 1 --method ") +
              method + " --out " + dir_->str(method),
          *dir_);
      ASSERT_EQ(r.code, 0) << r.err;
    }
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::string args(const std::string& out, const std::string& extra = "") {
    return "landscape --model " + dir_->str("standard") + " --model " + dir_->str("dign") +
           " --data synthetic --synthetic-train 40 --synthetic-test 20 --limit 5 --radii 0,2,8 "
           "--curvature-samples 2 --kl-samples 2 --sigmas 0.01,0.1 --batch-size 3 --threads 1 "
           "--quiet --out " +
           out + " " + extra;
  }

  static testing::TempDir* dir_;
  testing::TempDir local_;
};

testing::TempDir* LandscapeCli::dir_ = nullptr;

TEST_F(LandscapeCli, WritesReportCsvAndFigureDeterministically) {
  const auto first = testing::run_dign(args(local_.str("a")), local_);
  ASSERT_EQ(first.code, 0) << first.err;
  for (const char* f : {"landscape.json", "landscape.csv", "landscape.png", "landscape.svg"}) {
    EXPECT_TRUE(std::filesystem::exists(local_.str("a/") + f)) << f;
  }
  auto a = nlohmann::json::parse(read_text_file(local_.str("a/landscape.json")));
  EXPECT_EQ(a["schema_version"], 1);
  ASSERT_EQ(a["models"].size(), 2u);
  EXPECT_EQ(a["models"][0]["name"], "standard");
  EXPECT_EQ(a["models"][1]["name"], "dign");
  EXPECT_EQ(a["models"][1]["model"]["method"]["method"], "dign");
  EXPECT_EQ(a["models"][0]["images"], 5);
  EXPECT_EQ(a["models"][0]["radii"].size(), 3u);
  EXPECT_EQ(a["models"][0]["eq8"].size(), 2u);
  EXPECT_EQ(a["provenance"]["precision"], "fp32");
  EXPECT_TRUE(contains(a["estimators"]["second_order"].get<std::string>(), "consistent form"));
  EXPECT_TRUE(contains(a["estimators"]["precision"].get<std::string>(), "fp32"));
  // A ReLU ResNet in eval mode: H = G along every probe, up to fp32 rounding.
  EXPECT_LT(a["models"][0]["proposition1"]["eval"]["paired_relative_difference"].get<double>(),
            1e-3);
  const auto csv = read_text_file(local_.str("a/landscape.csv"));
  EXPECT_EQ(testing::count_lines(csv), 1 + 2 * 3);
  EXPECT_TRUE(contains(csv, "\ndign,8,5,1,"));

  ASSERT_EQ(testing::run_dign(args(local_.str("b")), local_).code, 0);
  auto b = nlohmann::json::parse(read_text_file(local_.str("b/landscape.json")));
  a.erase("timing");
  b.erase("timing");
  EXPECT_EQ(a, b);  // everything outside `timing` is deterministic given the seed
  EXPECT_EQ(read_text_file(local_.str("a/landscape.svg")),
            read_text_file(local_.str("b/landscape.svg")));
}

TEST_F(LandscapeCli, BadInputIsOneLineNamingTheFlagAndWritesNothing) {
  const std::string out = local_.str("never");
  const std::pair<std::string, std::string> cases[] = {
      {"--radii 0,4,2", "--radii: expected strictly increasing"},
      {"--radii -1,2", "--radii: expected l2 radii in [0, "},
      {"--eta 0", "--eta: expected a step in (0, 0.1]"},
      {"--eta -1", "--eta"},
      {"--directions 0", "--directions: expected 1 to 1000"},
      {"--curvature-samples 0", "--curvature-samples: expected 1 to 1000"},
      {"--sigmas 0.1,2", "--sigmas: expected noise levels in (0, 1]"},
      {"--limit -3", "--limit: expected a count"},
      {"--eta abc", "--eta"}};
  for (const auto& [extra, expected] : cases) {
    // Checked while parsing, before any model is loaded.
    const ProcessResult r =
        testing::run_dign("landscape --model " + dir_->str("standard") +
                              " --data synthetic --quiet --out " + out + " " + extra,
                          local_);
    EXPECT_EQ(r.code, 2) << extra;
    EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
    EXPECT_TRUE(contains(r.err, expected)) << extra << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << extra;
  }
  const ProcessResult missing = testing::run_dign(
      "landscape --model " + local_.str("nothing") + " --data synthetic --out " + out, local_);
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(testing::count_lines(missing.err), 1) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  const ProcessResult no_model =
      testing::run_dign("landscape --data synthetic --out " + out, local_);
  EXPECT_EQ(no_model.code, 2);
  EXPECT_TRUE(contains(no_model.err, "--model")) << no_model.err;
}

}  // namespace
}  // namespace dign
