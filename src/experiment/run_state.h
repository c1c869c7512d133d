#pragma once
// Where each run of a grid is on disk and how far it got: finished, running (another process
// holds its lock), interrupted, or not started; measured speeds for what is left. Reads only:
// never creates, locks for long or writes anything. LibTorch-free.
#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "experiment/grid.h"

namespace dign::experiment {

/// Finished runs' config identities under a runs root: identity hash -> directory. A run of
/// the grid whose own directory does not exist reuses a directory found here (runs made by
/// `dign train` by hand, or by an older grid, with the same settings).
class RunIndex {
 public:
  /// Scans the run directories directly under `root` (none if it does not exist); unreadable
  /// config.json files are skipped.
  explicit RunIndex(const std::string& root);
  /// The directory of `run`: its own if it exists, else a matching one, else its own.
  std::string directory_of(const RunSpec& run) const;

 private:
  std::map<std::string, std::vector<std::string>> by_hash_;
};

enum class Stage { kPending, kInterrupted, kRunning, kTrained, kDone };
const char* stage_name(Stage stage);

struct RunState {
  std::string dir;
  bool reused = false;  ///< dir is not the grid's own name for the run
  Stage stage = Stage::kPending;
  int64_t epochs_done = 0;       ///< lines in log.jsonl
  double train_seconds = 0;      ///< the log's wall times
  double eval_seconds = 0;       ///< the report's timing
  double images_per_second = 0;  ///< median of the log's epochs (0 = none)
  int64_t train_images = 0;      ///< from config.json (0 = not started)
  std::string eval_missing;      ///< what the report lacks ("" = complete or not needed)
  bool trained = false;          ///< metrics.json written (running = being evaluated)
};

/// Is another process holding DIR/lock? (flock probe on the existing file; never creates it.)
bool lock_held(const std::string& dir);

/// What the report at `path` lacks of `spec` ("" = nothing; "no report" when absent).
std::string evaluation_missing(const std::string& path, const EvaluationSpec& spec);

RunState run_state(const RunSpec& run, const std::string& dir, const EvaluationSpec& spec);

/// Every run's state, in grid order.
std::vector<RunState> grid_state(const Grid& grid);

/// `dign experiment status`: a table of runs with stage, wall times and the estimate of what
/// is left (from measured images/s of the grid's runs), as Markdown.
std::string status_table(const Grid& grid, const std::vector<RunState>& states);

}  // namespace dign::experiment
