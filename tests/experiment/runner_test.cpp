// The runner on tiny synthetic runs: a grid killed during its second run finishes without
// redoing the first; a run with the same settings elsewhere under the runs root is reused;
// plan commands are idempotent; --jobs runs them side by side with the same results; an
// evaluation holds its run directory like training does; the landscape job measures its
// labelled runs once they are done.
#include "experiment/runner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "core/file_io.h"
#include "core/progress.h"
#include "dign_process.h"
#include "experiment/job_pool.h"
#include "experiment/plan.h"
#include "experiment/run_state.h"
#include "run/run_lock.h"
#include "test_util.h"

namespace dign::experiment {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::contains;
using testing::TempDir;

/// Two runs (standard, seeds 0 and 1) of 5 steps each (40 images, batch 8), evaluated clean
/// and at one noise level.
std::string write_grid(const TempDir& dir) {
  const json g = json::parse(R"({
    "name": "tiny",
    "train": {"data": {"path": "synthetic", "synthetic_train": 40, "synthetic_test": 20},
              "model": {"arch": "resnet18", "width": 2}, "epochs": 1, "batch_size": 8,
              "threads": 1},
    "runs": [{"method": "standard", "seed": [0, 1]}],
    "evaluation": {"noise_sigmas": [0.1]}})");
  const std::string path = dir.str("grid.json");
  write_file_atomic(path, g.dump(2));
  return path;
}

/// Every file of a run directory with its content (lock and checkpoints aside).
std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const char* f : {"config.json", "log.jsonl", "metrics.json", "eval.json", "best.ckpt"}) {
    files[f] = fs::exists(dir + "/" + f) ? read_text_file(dir + "/" + f) : "<none>";
  }
  return files;
}

TEST(Runner, AGridKilledDuringItsSecondRunFinishesWithoutRedoingTheFirst) {
  TempDir dir;
  const std::string file = write_grid(dir);
  const std::string root = dir.str("runs");
  const Grid grid = load_grid(file, root);
  ASSERT_EQ(grid.runs.size(), 2u);
  // SIGKILL at the 8th training step of the process: the 3rd step of the second run.
  const auto killed =
      testing::run_dign("experiment run " + file + " --runs-root " + root + " --threads 1 --quiet",
                        dir, "DIGN_FAULT=step:8");
  EXPECT_EQ(killed.code, 128 + SIGKILL) << killed.err;
  auto states = grid_state(grid);
  EXPECT_EQ(states[0].stage, Stage::kDone);
  EXPECT_EQ(states[1].stage, Stage::kInterrupted);
  const auto first = snapshot(states[0].dir);
  const auto first_time = fs::last_write_time(states[0].dir + "/metrics.json");
  EXPECT_TRUE(contains(status_table(grid, states), "pending (interrupted)"));

  SilentProgress progress;
  RunnerOptions options;
  options.threads = 1;
  EXPECT_EQ(run_grid(grid, options, progress), 0);
  states = grid_state(grid);
  EXPECT_EQ(states[0].stage, Stage::kDone);
  EXPECT_EQ(states[1].stage, Stage::kDone);
  EXPECT_EQ(snapshot(states[0].dir), first);  // nothing of the first run was redone
  EXPECT_EQ(fs::last_write_time(states[0].dir + "/metrics.json"), first_time);
  EXPECT_TRUE(pending_jobs(grid, states).empty());
  // Running the finished grid again changes nothing.
  const auto second = snapshot(states[1].dir);
  EXPECT_EQ(run_grid(grid, options, progress), 0);
  EXPECT_EQ(snapshot(states[1].dir), second);
}

TEST(Runner, ARunWithTheSameSettingsElsewhereIsReused) {
  TempDir dir;
  const std::string root = dir.str("runs");
  const Grid grid = load_grid(write_grid(dir), root);
  SilentProgress progress;
  RunnerOptions options;
  options.threads = 1;
  options.only = grid.runs[0].name;
  ASSERT_EQ(run_grid(grid, options, progress), 0);
  // As if trained by hand under another name (e.g. dign train --out runs/by-hand ...).
  fs::rename(grid.runs[0].options.out, root + "/by-hand");
  const auto before = snapshot(root + "/by-hand");
  auto states = grid_state(grid);
  EXPECT_EQ(states[0].dir, root + "/by-hand");
  EXPECT_TRUE(states[0].reused);
  EXPECT_EQ(states[0].stage, Stage::kDone);
  EXPECT_EQ(states[1].stage, Stage::kPending);
  EXPECT_TRUE(contains(status_table(grid, states), "by-hand (reused)"));
  // Removing its report leaves only the evaluation to do, in the reused directory.
  fs::remove(root + "/by-hand/eval.json");
  EXPECT_EQ(grid_state(grid)[0].stage, Stage::kTrained);
  ASSERT_EQ(run_grid(grid, options, progress), 0);
  EXPECT_FALSE(fs::exists(grid.runs[0].options.out));
  const auto after = snapshot(root + "/by-hand");
  EXPECT_EQ(after.at("log.jsonl"), before.at("log.jsonl"));
  EXPECT_EQ(after.at("metrics.json"), before.at("metrics.json"));
  EXPECT_NE(after.at("eval.json"), "<none>");
}

TEST(Runner, PlanCommandsAreIdempotent) {
  TempDir dir;
  const std::string file = write_grid(dir);
  const std::string root = dir.str("runs");
  const Grid grid = load_grid(file, root);
  const std::string plan = plan_script(grid, grid_state(grid), "shell", DIGN_BINARY);
  EXPECT_EQ(plan, plan_script(grid, grid_state(grid), "shell", DIGN_BINARY));
  const std::string command = job_command(DIGN_BINARY, file, root, grid.runs[0].name);
  EXPECT_TRUE(contains(plan, command + "\n")) << plan;
  EXPECT_TRUE(contains(plan, grid.runs[1].name)) << plan;
  const std::string slurm = plan_script(grid, grid_state(grid), "slurm", DIGN_BINARY);
  EXPECT_TRUE(contains(slurm, "#SBATCH --array=0-1")) << slurm;
  EXPECT_TRUE(contains(slurm, "${RUNS[$SLURM_ARRAY_TASK_ID]}")) << slurm;

  ASSERT_EQ(std::system((command + " --quiet >/dev/null 2>&1").c_str()), 0);
  const auto once = snapshot(grid.runs[0].options.out);
  ASSERT_EQ(std::system((command + " --quiet >/dev/null 2>&1").c_str()), 0);  // again: nothing
  EXPECT_EQ(snapshot(grid.runs[0].options.out), once);
  const std::string after = plan_script(grid, grid_state(grid), "shell", DIGN_BINARY);
  EXPECT_FALSE(contains(after, grid.runs[0].name)) << after;
  EXPECT_TRUE(contains(after, grid.runs[1].name)) << after;
  EXPECT_TRUE(contains(testing::error_of([&] { plan_script(grid, {}, "pbs", "dign"); }), "pbs"));
}

TEST(Runner, JobsRunSideBySideAndGiveTheSameRunsAsOneAtATime) {
  TempDir dir;
  const std::string file = write_grid(dir);
  const std::string one = dir.str("one"), two = dir.str("two");
  SilentProgress progress;
  RunnerOptions options;
  options.threads = 1;
  ASSERT_EQ(run_grid(load_grid(file, one), options, progress), 0);
  const auto r = testing::run_dign(
      "experiment run " + file + " --runs-root " + two + " --jobs 2 --threads 2", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const Grid grid = load_grid(file, two);
  // Both started before either finished: they ran at the same time, 1 thread each.
  const size_t second_start = r.out.find(grid.runs[1].name + ": started (1 threads");
  ASSERT_NE(second_start, std::string::npos) << r.out;
  EXPECT_LT(second_start, r.out.find(": done in")) << r.out;
  for (size_t i = 0; i < grid.runs.size(); ++i) {
    const std::string name = grid.runs[i].name;
    EXPECT_TRUE(fs::exists(two + "/jobs/" + name + ".log")) << name;
    const json a = json::parse(read_text_file(one + "/" + name + "/eval.json"));
    const json b = json::parse(read_text_file(two + "/" + name + "/eval.json"));
    EXPECT_EQ(a["clean"], b["clean"]) << name;
    EXPECT_EQ(a["gaussian_noise"], b["gaussian_noise"]) << name;
  }
  EXPECT_TRUE(pending_jobs(grid, grid_state(grid)).empty());
  // Nothing left: a second call starts nothing.
  const auto again = testing::run_dign(
      "experiment run " + file + " --runs-root " + two + " --jobs 2 --threads 2", dir);
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_FALSE(contains(again.out, "started")) << again.out;
  EXPECT_EQ(threads_per_job(16, 4), 4);
  EXPECT_EQ(threads_per_job(2, 4), 1);
  const auto bad = testing::run_dign("experiment run " + file + " --jobs 0", dir);
  EXPECT_EQ(bad.code, 2);
  EXPECT_TRUE(contains(bad.err, "--jobs")) << bad.err;
}

TEST(Runner, TheGridsAttacksReachTheEvaluationAsWritten) {
  TempDir dir;
  json g = json::parse(read_text_file(write_grid(dir)));
  g["runs"] = json::parse(R"([{"method": "standard", "seed": 0}])");
  g["evaluation"]["attacks"] = json::parse(R"([{"steps": 2, "step_size": 0.01,
      "random_start": false, "restarts": 2, "limit": 4}, {"kind": "pgd7-paper", "limit": 4}])");
  const std::string file = dir.str("attacks.json");
  write_file_atomic(file, g.dump(2));
  Grid grid = load_grid(file, dir.str("runs"));
  SilentProgress progress;
  RunnerOptions options;
  options.threads = 1;
  ASSERT_EQ(run_grid(grid, options, progress), 0);
  const json report = json::parse(read_text_file(grid.runs[0].options.out + "/eval.json"));
  const json& attacks = report.at("adversarial");
  ASSERT_EQ(attacks.size(), 2u);
  EXPECT_EQ(attacks[0]["attack"], "pgd");
  EXPECT_EQ(attacks[0]["steps"], 2);
  EXPECT_EQ(attacks[0]["step_size"], 0.01);
  EXPECT_EQ(attacks[0]["random_start"], false);
  EXPECT_EQ(attacks[0]["restarts"], 2);
  EXPECT_EQ(attacks[0]["images"], 4);
  EXPECT_EQ(attacks[1]["attack"], "pgd7-paper");
  EXPECT_EQ(grid_state(grid)[0].stage, Stage::kDone);
  // Another attack setting is evaluation left to do, not a new run.
  grid.evaluation.attacks[0].steps = 3;
  const auto state = grid_state(grid)[0];
  EXPECT_EQ(state.stage, Stage::kTrained);
  EXPECT_EQ(evaluation_missing(state.dir + "/eval.json", grid.evaluation), "attack pgd");
}

/// A run's config.json (40,000 training images) and log.jsonl: one epoch at each speed, images/s.
void write_logged_run(const std::string& run, const std::vector<double>& speeds) {
  fs::create_directories(run);
  write_file_atomic(run + "/config.json", R"({"data": {"train_images": 40000}})");
  std::string log;
  for (double speed : speeds) {
    log +=
        json{{"timing", {{"train_seconds", 40000 / speed}, {"images_per_second", speed}}}}.dump() +
        "\n";
  }
  write_file_atomic(run + "/log.jsonl", log);
}

TEST(Runner, AStoppedEpochDoesNotSlowTheEstimateOfWhatIsLeft) {
  TempDir dir;
  json g = json::parse(read_text_file(write_grid(dir)));
  g["train"]["epochs"] = 5;
  const std::string file = dir.str("five.json");
  write_file_atomic(file, g.dump(2));
  const Grid grid = load_grid(file, dir.str("runs"));
  // Three epochs at 1,000 images/s and one stopped for most of its time (40 s, then 2,000 s).
  write_logged_run(grid.runs[0].options.out, {1000, 20, 1000, 1000});
  const auto states = grid_state(grid);
  EXPECT_EQ(states[0].stage, Stage::kInterrupted);
  EXPECT_EQ(states[0].epochs_done, 4);
  EXPECT_DOUBLE_EQ(states[0].train_seconds, 3 * 40 + 2000);  // wall time as it was
  EXPECT_DOUBLE_EQ(states[0].images_per_second, 1000);       // the mean would say 755
  // The first run's last epoch (40 s) and the second run's five (nothing measured of its own)
  // at the first's speed (200 s); no evaluation measured yet. (At the mean speed: 5m18s.)
  EXPECT_TRUE(contains(status_table(grid, states), "left: about 4m00s"))
      << status_table(grid, states);
}

/// A run as the grid leaves it, trained at `speed` images/s (one epoch of 40,000 images) and
/// evaluated in `eval_seconds`.
void write_finished_run(const std::string& run, double speed, double eval_seconds) {
  write_logged_run(run, {speed});
  write_file_atomic(run + "/metrics.json", "{}");
  write_file_atomic(
      run + "/eval.json",
      json{{"gaussian_noise", {{{"sigma", 0.1}}}}, {"timing", {{"seconds", eval_seconds}}}}.dump());
}

TEST(Runner, WhatIsLeftCountsEachMethodsOwnSpeedAndEvaluationTime) {
  TempDir dir;
  json g = json::parse(read_text_file(write_grid(dir)));
  g["runs"] = json::parse(R"([{"method": "standard", "seed": [0, 1, 2]},
                              {"method": "rse", "seed": [0, 1]}, {"method": "gn", "seed": [0, 1]}])");
  const std::string file = dir.str("mixed.json");
  write_file_atomic(file, g.dump(2));
  const Grid grid = load_grid(file, dir.str("runs"));
  ASSERT_EQ(grid.runs.size(), 7u);
  std::map<std::string, const RunSpec*> run;
  for (const auto& r : grid.runs) run[r.label + std::to_string(r.seed)] = &r;
  write_finished_run(run.at("standard0")->options.out, 1000, 100);
  write_finished_run(run.at("standard1")->options.out, 1000, 100);
  write_finished_run(run.at("rse0")->options.out, 500, 1600);  // RSE evaluates an ensemble
  const auto states = grid_state(grid);
  // Left: standard s2 40 s + 100 s; rse s1 80 s + 1,600 s; gn s0 and s1 (nothing of their
  // own) at the mean speed of the others, 833.3 images/s (48 s), and the median evaluation
  // (100 s), each: 2,116 s. (One mean evaluation time for all would say 2,616 s.)
  const std::string table = status_table(grid, states);
  EXPECT_TRUE(contains(table, "left: about 35m16s")) << table;
}

/// The grid's status table as it stands each time the runner reports a clean accuracy, i.e.
/// from inside a run's evaluation.
class StatusDuringEvaluation : public SilentProgress {
 public:
  explicit StatusDuringEvaluation(const Grid& grid) : grid_(grid) {}
  void message(const std::string& line) override {
    if (line.rfind("clean:", 0) == 0) table = status_table(grid_, grid_state(grid_));
  }
  std::string table;

 private:
  const Grid& grid_;
};

TEST(Runner, AnEvaluationHoldsItsRunSoStatusShowsItAndAnotherGridSkipsIt) {
  TempDir dir;
  const Grid grid = load_grid(write_grid(dir), dir.str("runs"));
  RunnerOptions options;
  options.threads = 1;
  options.only = grid.runs[0].name;
  SilentProgress silent;
  ASSERT_EQ(run_grid(grid, options, silent), 0);
  const std::string run = grid.runs[0].options.out;
  fs::remove(run + "/eval.json");
  ASSERT_EQ(grid_state(grid)[0].stage, Stage::kTrained);
  {
    // Another process evaluating it: the grid leaves it alone, or says who holds it when
    // asked for that run alone.
    const run::RunLock other(run);
    EXPECT_EQ(grid_state(grid)[0].stage, Stage::kRunning);
    EXPECT_TRUE(contains(status_table(grid, grid_state(grid)), "| running (evaluation) |"));
    EXPECT_TRUE(contains(testing::error_of([&] { run_grid(grid, options, silent); }),
                         "another process holds"));
    std::ostringstream said;
    StreamProgress progress(said);
    options.only = grid.runs[1].name;
    ASSERT_EQ(run_grid(grid, options, progress), 0);  // the other run is not held up
    options.only.clear();
    ASSERT_EQ(run_grid(grid, options, progress), 0);
    EXPECT_TRUE(contains(said.str(), "another process holds " + run + "; skipped")) << said.str();
    EXPECT_FALSE(fs::exists(run + "/eval.json"));
  }
  // Released: the grid evaluates it, and holds the directory while it does.
  StatusDuringEvaluation probe(grid);
  ASSERT_EQ(run_grid(grid, options, probe), 0);
  EXPECT_TRUE(fs::exists(run + "/eval.json"));
  EXPECT_TRUE(contains(probe.table, "| running (evaluation) |")) << probe.table;
  EXPECT_EQ(grid_state(grid)[0].stage, Stage::kDone);
}

TEST(Runner, TheLandscapeJobMeasuresItsLabelledRunsOnceAndOnlyWhenTheyAreDone) {
  TempDir dir;
  json g = json::parse(read_text_file(write_grid(dir)));
  g["runs"] = json::parse(R"([{"method": ["standard", "dign"], "seed": 0},
                              {"method": "standard", "seed": 1}])");
  g["landscape"] = json::parse(R"({"labels": ["standard", "dign"], "seed": 0, "limit": 4,
      "radii": [0, 1], "curvature_samples": 1, "kl_samples": 1, "sigmas": [0.01]})");
  const std::string file = dir.str("landscape.json");
  write_file_atomic(file, g.dump(2));
  const Grid grid = load_grid(file, dir.str("runs"));
  ASSERT_EQ(grid.runs.size(), 3u);
  const std::string out = dir.str("runs") + "/" + grid.landscape.name + "/landscape.json";
  RunnerOptions options;
  options.threads = 1;
  std::ostringstream said;  // what the runner tells its progress
  StreamProgress progress(said);
  // Asked for alone before its runs exist: a one-line error naming the run it needs.
  options.only = grid.landscape.name;
  EXPECT_TRUE(
      contains(testing::error_of([&] { run_grid(grid, options, progress); }), "to finish first"));
  EXPECT_FALSE(fs::exists(out));
  options.only.clear();
  ASSERT_EQ(run_grid(grid, options, progress), 0);
  ASSERT_TRUE(fs::exists(out));
  EXPECT_TRUE(contains(said.str(), "Figure 2 of 2 runs")) << said.str();
  const json report = json::parse(read_text_file(out));
  ASSERT_EQ(report.at("models").size(), 2u);  // the seed-0 standard and dign, not seed 1
  EXPECT_EQ(report["models"][0]["name"], fs::path(grid.runs[0].options.out).filename().string());
  EXPECT_EQ(report["models"][1]["name"], fs::path(grid.runs[1].options.out).filename().string());
  EXPECT_EQ(report["models"][0]["images"], 4);
  // Done once: running the grid again leaves the report as it is.
  const std::string first = read_text_file(out);
  said.str("");
  ASSERT_EQ(run_grid(grid, options, progress), 0);
  EXPECT_EQ(read_text_file(out), first);
  EXPECT_FALSE(contains(said.str(), "Figure 2")) << said.str();
}

}  // namespace
}  // namespace dign::experiment
