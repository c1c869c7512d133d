#pragma once
// The finished cells of a corrupted-set evaluation, kept on disk as they finish, so that an
// interrupted evaluation (killed, or stopped by a signal in a grid) resumes at its first
// unfinished cell and reports the same bits as one that ran through.
//
// DIR (beside the report: eval.json -> eval.partial/) holds state.json, replaced atomically after
// each cell: the evaluation's key (everything its figures depend on), each finished cell's meters
// and the pooled meters after the last one, exactly (counts as integers, doubles as their bit
// patterns); with per-image records (--bootstrap, --save-predictions) also cell-<k>.bin per cell
// (confidence f32, correct u8, predicted i32, label i32; n of each). A log recorded for another
// key, or one that cannot be read, is discarded with a message and the evaluation starts over.
//
//   CellLog log(dir, key);
//   size_t done = log.restore(results, progress);  // cells 0 .. done - 1 (C order) and pooled
//   ... cell k finished: log.save(k + 1, results);
//   ... report written:  log.remove();
#include <nlohmann/json.hpp>

#include <string>

#include "core/progress.h"
#include "eval/cell_log_path.h"
#include "eval/corruption_eval.h"

namespace dign::eval {

class CellLog {
 public:
  /// `key` must change whenever anything the figures depend on changes (model, data, options).
  CellLog(std::string dir, nlohmann::json key) : dir_(std::move(dir)), key_(std::move(key)) {}

  /// `results` laid out (corruptions, severities, empty cells; records sized when kept). Restores
  /// the finished cells and the pooled meters; returns how many cells (0 when there is no usable
  /// log).
  size_t restore(CorruptedResults& results, Progress& progress) const;
  /// Records that cells 0 .. done - 1 (C order) are finished, with the pooled meters as they are.
  void save(size_t done, const CorruptedResults& results) const;
  /// Deletes the log (the report that holds its cells is written).
  void remove() const;

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  nlohmann::json key_;
};

/// "xxh3:<16 hex digits>" over a model's parameters and buffers (names and values, in order):
/// the model's part of a key, whatever file it came from.
std::string weights_hash(torch::nn::Module& model);

}  // namespace dign::eval
