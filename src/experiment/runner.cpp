#include "experiment/runner.h"

#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "core/error.h"
#include "core/stop_signal.h"
#include "eval/evaluate_run.h"
#include "experiment/run_state.h"
#include "landscape/landscape_run.h"
#include "run/run_files.h"
#include "run/run_lock.h"
#include "train/trainer.h"

namespace dign::experiment {
namespace fs = std::filesystem;

namespace {

eval::EvalRunOptions eval_options(const RunSpec& run, const std::string& dir,
                                  const EvaluationSpec& spec, const RunnerOptions& o) {
  eval::EvalRunOptions e;
  e.model_dir = dir;
  e.data = run.options.data;
  e.test_limit = spec.test_limit;
  e.eval.noise_sigmas = spec.noise_sigmas;
  e.report = dir + "/" + spec.report;
  e.machine.threads = o.threads;
  e.machine.device = o.device;
  e.corrupted = spec.corrupted;
  e.generate.seed = spec.corruption_seed;
  e.generate.severities = spec.severities;
  e.attacks = spec.attacks;
  return e;
}

/// Trains (or resumes) and evaluates one run; 0, or 128 + signal when stopped.
int do_run(const Grid& grid, size_t i, const std::string& dir, const RunnerOptions& o,
           Progress& progress) {
  const RunSpec& run = grid.runs[i];
  const std::string head = fmt::format("[{}/{}] {} ({}, seed {})", i + 1, grid.runs.size(),
                                       run.name, run.label, run.seed);
  const run::RunFiles files(dir);
  if (!fs::exists(files.metrics())) {
    train::TrainSummary summary;
    if (fs::exists(files.config())) {
      progress.message(head + ": resuming " + dir);
      run::TrainOptions requested = train::saved_options(dir);
      requested.machine.threads = o.threads;
      requested.machine.device = o.device;
      requested.loader_threads = o.loader_threads;
      summary = train::resume_training(dir, requested, progress);
    } else {
      progress.message(head + ": training in " + dir);
      run::TrainOptions options = run.options;
      options.machine.threads = o.threads;
      options.machine.device = o.device;
      options.loader_threads = o.loader_threads;
      summary = train::run_training(options, progress);
    }
    if (summary.interrupted_by != 0) return 128 + summary.interrupted_by;
  }
  if (grid.evaluation.enabled) {
    // One writer per run directory, as in training: status shows the evaluation running and a
    // second grid skips it. Another grid may have taken the run between its state and here (or
    // since this one's training let it go): skipped likewise. What is missing is read under the
    // lock (another may just have finished it).
    std::unique_ptr<run::RunLock> lock;
    try {
      lock = std::make_unique<run::RunLock>(dir);
    } catch (const Error&) {
      if (!lock_held(dir)) throw;  // not another holder: a real error
      progress.message(run.name + ": another process holds " + dir + "; skipped");
      return 0;
    }
    const std::string missing =
        evaluation_missing(dir + "/" + grid.evaluation.report, grid.evaluation);
    if (!missing.empty()) {
      progress.message(head + ": evaluating (" + missing + ")");
      try {
        eval::run_evaluation(eval_options(run, dir, grid.evaluation, o), progress);
      } catch (const Stopped& stopped) {  // its finished cells are kept: the next run resumes
        progress.message(head + ": evaluation stopped; it resumes at its first unfinished cell");
        return 128 + stopped.signal_number();
      }
    }
  }
  return stop_requested() ? 128 + stop_requested() : 0;
}

int do_landscape(const Grid& grid, const std::vector<std::string>& dirs, const RunnerOptions& o,
                 Progress& progress) {
  const LandscapeSpec& spec = grid.landscape;
  const fs::path out = fs::path(grid.runs_root) / spec.name;
  if (fs::exists(out / "landscape.json")) return 0;
  landscape::LandscapeRunOptions l;
  for (size_t i : spec.runs) {
    DIGN_CHECK(fs::exists(run::RunFiles(dirs[i]).metrics()), spec.name, ": needs the run ",
               grid.runs[i].name, " to finish first");
    l.model_dirs.push_back(dirs[i]);
  }
  l.data = grid.runs[spec.runs.front()].options.data;
  l.limit = spec.limit;
  l.out = out.string();
  l.landscape = spec.options;
  l.machine.threads = o.threads;
  l.machine.device = o.device;
  progress.message(
      fmt::format("{}: Figure 2 of {} runs in {}", spec.name, l.model_dirs.size(), l.out));
  landscape::run_landscape(l, progress);
  return 0;
}

}  // namespace

int run_grid(const Grid& grid, const RunnerOptions& o, Progress& progress) {
  bool known = o.only.empty() || (grid.landscape.enabled && o.only == grid.landscape.name);
  for (const auto& run : grid.runs) known |= run.name == o.only;
  DIGN_CHECK(known, grid.file, ": no run or landscape job named '", o.only,
             "' (dign experiment status lists them)");
  fs::create_directories(grid.runs_root);
  const RunIndex index(grid.runs_root);
  std::vector<std::string> dirs;
  for (const auto& run : grid.runs) dirs.push_back(index.directory_of(run));
  bool landscape_ready = true;
  for (size_t i = 0; i < grid.runs.size(); ++i) {
    if (!o.only.empty() && o.only != grid.runs[i].name) continue;
    const RunState state = run_state(grid.runs[i], dirs[i], grid.evaluation);
    if (state.stage == Stage::kDone) continue;
    if (state.stage == Stage::kRunning) {
      DIGN_CHECK(o.only.empty(), grid.runs[i].name, ": another process holds ", dirs[i]);
      progress.message(grid.runs[i].name + ": another process holds " + dirs[i] + "; skipped");
      landscape_ready = false;
      continue;
    }
    if (state.reused) progress.message(grid.runs[i].name + ": reusing " + dirs[i]);
    const int code = do_run(grid, i, dirs[i], o, progress);
    if (code != 0) return code;
  }
  const bool landscape_job = o.only.empty()
                                 ? grid.landscape.enabled && landscape_ready
                                 : grid.landscape.enabled && o.only == grid.landscape.name;
  if (landscape_job) return do_landscape(grid, dirs, o, progress);
  return 0;
}

}  // namespace dign::experiment
