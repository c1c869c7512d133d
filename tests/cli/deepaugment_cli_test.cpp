// `dign train --method deepaugment` as a user meets it: a run on synthetic data with its options
// recorded, a resumed run equal to an uninterrupted one (the per-epoch kernel sizes depend on
// the seed and the epoch only), the step benchmark, and one-line errors naming the flag.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "core/file_io.h"
#include "dign_process.h"
#include "models/registry.h"
#include "test_util.h"

namespace dign {
namespace {
using testing::contains;
using testing::ProcessResult;

ProcessResult run_cli(const std::string& args, const testing::TempDir& dir) {
  return testing::run_dign(args + " --threads 1", dir);
}

/// log.jsonl's lines without their timings.
std::vector<nlohmann::json> log_lines(const std::string& run) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(read_text_file(run + "/log.jsonl"));
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    j.erase("timing");
    lines.push_back(j);
  }
  return lines;
}

class DeepAugmentCli : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::string train_args(const std::string& out, const std::string& extra) {
    return "train --data synthetic --synthetic-train 40 --synthetic-test 20 --width 2 "
           "--batch-size 16 --quiet --out " +
           dir.str(out) + " " + extra;
  }
  ProcessResult expect_one_line_error(const std::string& args, const std::string& names) {
    const auto r = run_cli(args, dir);
    EXPECT_EQ(r.code, 2) << args;  // every invalid input exits 2
    EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
    EXPECT_TRUE(contains(r.err, names)) << r.err;
    EXPECT_EQ(r.out, "") << r.out;
    return r;
  }
};

TEST_F(DeepAugmentCli, TrainsRecordsItsOptionsAndResumesExactly) {
  const auto r =
      run_cli(train_args("run", "--method deepaugment --n2n-fraction 0.5 --epochs 2"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto config = nlohmann::json::parse(read_text_file(dir.str("run/config.json")));
  const auto& method = config["options"]["method"];
  EXPECT_EQ(method["method"], "deepaugment") << config.dump();
  EXPECT_DOUBLE_EQ(method["n2n_fraction"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(method["n2n_eps"].get<double>(), 0.1);
  EXPECT_EQ(method["n2n_hidden"], 2);
  const auto whole = log_lines(dir.str("run"));
  ASSERT_EQ(whole.size(), 2u);
  for (const auto& line : whole) {
    EXPECT_TRUE(std::isfinite(line["train_loss"].get<double>())) << line;
    EXPECT_TRUE(line.contains("train_ce")) << line;
  }

  // One epoch, then resumed to two: the same log, so epoch 2 drew the same kernel sizes.
  ASSERT_EQ(
      run_cli(train_args("split", "--method deepaugment --n2n-fraction 0.5 --epochs 1"), dir).code,
      0);
  const auto resumed = run_cli("train --resume " + dir.str("split") + " --epochs 2 --quiet", dir);
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_EQ(log_lines(dir.str("split")), whole);
}

TEST_F(DeepAugmentCli, BenchTrainStepsIt) {
  const auto bench = run_cli(
      "bench train --method deepaugment --n2n-eps 0.4 --n2n-fraction 0.75 --width 2 "
      "--batch-size 8 --iters 1 --warmup-iters 0 --precision fp32 --json " +
          dir.str("bench.json"),
      dir);
  ASSERT_EQ(bench.code, 0) << bench.err;
  const auto record = nlohmann::json::parse(read_text_file(dir.str("bench.json")));
  EXPECT_EQ(record["method"]["method"], "deepaugment");
  EXPECT_GT(record["images_per_second"].get<double>(), 0.0);
  // One forward and its backward: Noise2Net's own cost is not counted.
  const auto model = models::make_model(models::ResNet18Options().width(2));
  EXPECT_DOUBLE_EQ(record["step_flops_per_image"].get<double>(), 3 * model->forward_flops(32, 32));
}

TEST_F(DeepAugmentCli, BadOptionsGiveOneLineNamingTheFlag) {
  expect_one_line_error(train_args("run", "--method deepaugment --n2n-fraction 1.5"),
                        "--n2n-fraction");
  expect_one_line_error(train_args("run", "--method deepaugment --n2n-fraction 0"),
                        "--n2n-fraction");
  expect_one_line_error(train_args("run", "--method deepaugment --n2n-eps -0.1"), "--n2n-eps");
  expect_one_line_error(train_args("run", "--method deepaugment --n2n-hidden 0"), "--n2n-hidden");
  const auto r =
      expect_one_line_error(train_args("run", "--method standard --n2n-eps 0.2"), "--n2n-eps");
  EXPECT_TRUE(contains(r.err, "--method deepaugment")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.str("run")));
}

}  // namespace
}  // namespace dign
