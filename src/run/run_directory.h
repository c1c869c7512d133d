#pragma once
// A run directory held by one process: its config.json, log, metrics and checkpoint files,
// under the directory's lock (see run_files.h for the layout). Every write is atomic.
// LibTorch-free; checkpoints themselves are written by checkpoint.h.
//
//   RunDirectory run = RunDirectory::create("runs/a", config);   // locks, writes config.json
//   run.write_log(lines);
//   RunDirectory again = RunDirectory::open("runs/a");           // another process: an error
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/progress.h"
#include "run/run_config.h"
#include "run/run_files.h"
#include "run/run_lock.h"
#include "run/train_state.h"

namespace dign::run {

/// A step checkpoint's path and the position it records.
struct SavedPosition {
  std::string path;
  TrainState state;
};

class RunDirectory {
 public:
  /// A new run in `dir`: checks that `config` parses as config.json, creates and locks the
  /// directory and writes config.json. dign::Error when `dir` already holds a run (then
  /// nothing is written) or another process holds it.
  static RunDirectory create(const std::string& dir, const nlohmann::json& config);
  /// dign::Error when `dir` holds a run already: a cheap check before a new run's set-up.
  static void check_free(const std::string& dir);
  /// The run in `dir`, locked; dign::Error naming the file when there is none or its
  /// config.json is not valid.
  static RunDirectory open(const std::string& dir);
  /// The run in `dir` without its lock, to read: the other ranks of a data-parallel run,
  /// while rank 0 holds the lock and alone writes.
  static RunDirectory open_shared(const std::string& dir);

  const std::string& dir() const { return files_.dir; }
  const RunFiles& files() const { return files_; }
  const RunConfig& config() const { return config_; }
  /// Rewrites config.json with `config` (which must parse).
  void update_config(const nlohmann::json& config);

  /// Rewrites log.jsonl, one line per entry.
  void write_log(const std::vector<nlohmann::json>& lines) const;
  /// Writes metrics.json (a finished run's summary).
  void write_metrics(const nlohmann::json& metrics) const;
  /// The newest step checkpoint that can be read, with its position; unreadable ones are
  /// skipped with a warning. nullopt when the run has none; dign::Error when it has some but
  /// none is readable.
  std::optional<SavedPosition> newest_checkpoint(Progress& progress) const;
  /// The file for a step checkpoint at `step` (its folder created).
  std::string checkpoint_path(int64_t step) const;
  /// Keeps the newest `keep` step checkpoints.
  void prune_checkpoints(int64_t keep) const { files_.prune_checkpoints(keep); }
  /// Deletes temporaries a crash left mid-write.
  void remove_stale_temporaries() const { files_.remove_stale_temporaries(); }

 private:
  RunDirectory(RunFiles files, std::unique_ptr<RunLock> lock, RunConfig config)
      : files_(std::move(files)), lock_(std::move(lock)), config_(std::move(config)) {}

  RunFiles files_;
  std::unique_ptr<RunLock> lock_;
  RunConfig config_;
};

}  // namespace dign::run
