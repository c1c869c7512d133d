// An evaluation interrupted in its corrupted cells resumes there: `dign eval` killed after two
// cells, and a grid stopped by SIGTERM in its evaluation, end with the report of an evaluation
// that ran through (timing aside), and the cell log is gone once the report is written.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "core/file_io.h"
#include "dign_process.h"
#include "test_util.h"

namespace dign {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using testing::contains;

json report_without_timing(const std::string& path) {
  json j = json::parse(read_text_file(path));
  j.erase("timing");
  return j;
}

class EvalResumeCli : public ::testing::Test {
 protected:
  testing::TempDir dir;
  json a_report() const { return json::parse(read_text_file(dir.str("a.json"))); }
  testing::ProcessResult run(const std::string& args, const std::string& prefix = "") {
    return testing::run_dign(args + " --threads 1", dir, prefix);
  }
};

TEST_F(EvalResumeCli, AKilledEvaluationResumesAtItsFirstUnfinishedCell) {
  const auto trained =
      run("train --data synthetic --synthetic-train 40 --synthetic-test 20 --width 2 "
          "--epochs 1 --batch-size 16 --quiet --method dign --out " +
          dir.str("run"));
  ASSERT_EQ(trained.code, 0) << trained.err;
  // With the bootstrap, whose per-image records the log keeps too (cell-<k>.bin).
  auto eval = [&](const std::string& report, const std::string& corruptions = "shot_noise,fog") {
    return "eval --model " + dir.str("run") + " --data synthetic --synthetic-train 40 " +
           "--synthetic-test 20 --noise-sigmas 0.1 --corrupted generate --corruptions " +
           corruptions + " --severities 1,2 --bootstrap 20 --report " + dir.str(report);
  };
  const auto through = run(eval("a.json"));
  ASSERT_EQ(through.code, 0) << through.err;
  EXPECT_FALSE(fs::exists(dir.str("a.partial")));
  // SIGKILL once the second of the four cells is kept.
  const auto killed = run(eval("b.json"), "DIGN_FAULT=eval-cell:2");
  EXPECT_EQ(killed.code, 128 + SIGKILL) << killed.err;
  EXPECT_FALSE(fs::exists(dir.str("b.json")));
  EXPECT_TRUE(fs::exists(dir.str("b.partial/state.json")));
  const auto resumed = run(eval("b.json"));
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  const std::string said = resumed.out + resumed.err;
  EXPECT_TRUE(contains(said, "resuming after the 2 of 4 cells finished before")) << said;
  EXPECT_FALSE(contains(said, "shot_noise severity 2")) << said;  // restored, not scored
  EXPECT_TRUE(contains(said, "fog severity 1")) << said;
  EXPECT_FALSE(fs::exists(dir.str("b.partial")));
  const json b = json::parse(read_text_file(dir.str("b.json")));
  EXPECT_EQ(b["timing"]["resumed_corrupted_cells"], 2);
  EXPECT_GT(b["timing"]["resumed_seconds"].get<double>(), 0.0);
  EXPECT_EQ(report_without_timing(dir.str("b.json")), report_without_timing(dir.str("a.json")));

  // The same corruptions in another order would put each kept cell in another's place: the log
  // is not resumed (the key holds the set's layout) but deleted, and the evaluation starts over.
  ASSERT_EQ(run(eval("c.json"), "DIGN_FAULT=eval-cell:2").code, 128 + SIGKILL);
  const auto reordered = run(eval("c.json", "fog,shot_noise"));
  ASSERT_EQ(reordered.code, 0) << reordered.err;
  EXPECT_TRUE(contains(reordered.err, "holds the cells of another evaluation (data differ)"))
      << reordered.err;
  const json c = json::parse(read_text_file(dir.str("c.json")));
  EXPECT_FALSE(c["timing"].contains("resumed_corrupted_cells"));
  EXPECT_EQ(c["corrupted"]["per_corruption"][0]["name"], "fog");
  EXPECT_EQ(c["corrupted"]["per_corruption"][0]["mean_accuracy"],
            a_report()["corrupted"]["per_corruption"][1]["mean_accuracy"]);
}

TEST_F(EvalResumeCli, AGridStoppedInAnEvaluationResumesItThere) {
  const json g = json::parse(R"({
    "name": "tiny",
    "train": {"data": {"path": "synthetic", "synthetic_train": 40, "synthetic_test": 20},
              "model": {"arch": "resnet18", "width": 2}, "epochs": 1, "batch_size": 8,
              "threads": 1},
    "runs": [{"method": "standard", "seed": 0}],
    "evaluation": {"noise_sigmas": [0.1], "corrupted": "generate", "severities": [1]}})");
  write_file_atomic(dir.str("grid.json"), g.dump(2));
  const std::string grid =
      "experiment run " + dir.str("grid.json") + " --runs-root " + dir.str("r");
  // SIGTERM as the third cell finishes: the grid keeps it, stops and exits 128 + SIGTERM.
  const auto stopped = run(grid, "DIGN_FAULT=eval-sigterm:3");
  EXPECT_EQ(stopped.code, 128 + SIGTERM) << stopped.err;
  EXPECT_TRUE(contains(stopped.out + stopped.err, "evaluation stopped")) << stopped.err;
  fs::path run_dir;
  for (const auto& entry : fs::directory_iterator(dir.str("r"))) {
    if (entry.is_directory()) run_dir = entry.path();
  }
  EXPECT_FALSE(fs::exists(run_dir / "eval.json"));
  const json state = json::parse(read_text_file((run_dir / "eval.partial/state.json").string()));
  EXPECT_EQ(state["cells"].size(), 3u);
  const auto status = testing::run_dign(
      "experiment status " + dir.str("grid.json") + " --runs-root " + dir.str("r"), dir);
  EXPECT_TRUE(contains(status.out, "pending (evaluation): no report; 3 of 19 corrupted cells kept"))
      << status.out << status.err;
  const auto resumed = run(grid);
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_TRUE(contains(resumed.out + resumed.err, "resuming after the 3 of 19 cells"))
      << resumed.out << resumed.err;
  const json report = json::parse(read_text_file((run_dir / "eval.json").string()));
  EXPECT_EQ(report["corrupted"]["per_corruption"].size(), 19u);
  EXPECT_EQ(report["timing"]["resumed_corrupted_cells"], 3);
  EXPECT_FALSE(fs::exists(run_dir / "eval.partial"));
}

}  // namespace
}  // namespace dign
