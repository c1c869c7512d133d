#pragma once
// The finished cells of a corrupted-set evaluation, kept on disk as they finish, so that an
// interrupted evaluation (killed, or stopped by a signal in a grid) resumes at its first
// unfinished cell and reports the same bits as one that ran through.
//
// DIR (beside the report: eval.json -> eval.partial/) holds state.json, replaced atomically after
// each cell: the evaluation's key (everything its figures depend on), each finished cell's meters
// and the pooled meters after the last one, exactly (counts as integers, doubles as their bit
// patterns), and the seconds spent scoring them; with per-image records (--bootstrap,
// --save-predictions) also cell-<k>.bin per cell (confidence f32, correct u8, predicted i32,
// label i32; n of each), whose hash state.json holds. A log recorded under another key, or one
// that cannot be read, is deleted with a warning and the evaluation starts over. A log that
// cannot be written is given up with a warning: the evaluation goes on without it.
//
//   CellLog log(dir, key);
//   size_t done = log.restore(results, progress);  // cells 0 .. done - 1 (C order) and pooled
//   ... cell k finished: log.save(k + 1, results, progress);
//   ... report written:  log.remove();
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/progress.h"
#include "eval/cell_log_path.h"
#include "eval/corruption_eval.h"

namespace dign::eval {

class CellLog {
 public:
  /// `key` must change whenever anything the figures depend on changes (model, data, options).
  CellLog(std::string dir, nlohmann::json key) : dir_(std::move(dir)), key_(std::move(key)) {}

  /// `results` laid out (corruptions, severities, empty cells; records sized when kept). Restores
  /// the finished cells, the pooled meters and the seconds spent on them; returns how many cells
  /// (0 when there is no usable log).
  size_t restore(CorruptedResults& results, Progress& progress) const;
  /// Records that cells 0 .. done - 1 (C order) are finished, with the pooled meters as they are.
  void save(size_t done, const CorruptedResults& results, Progress& progress) const;
  /// Deletes the log (the report that holds its cells is written).
  void remove() const;

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  nlohmann::json key_;
  mutable bool given_up_ = false;  ///< a write failed: the evaluation goes on without the log
  mutable std::vector<std::string> record_hashes_;  ///< of cell-<k>.bin, k = 0 .. (when kept)
};

}  // namespace dign::eval
