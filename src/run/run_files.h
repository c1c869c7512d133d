#pragma once
// The files of a run directory and how checkpoints rotate:
//   DIR/config.json  DIR/log.jsonl  DIR/metrics.json  DIR/lock
//   DIR/best.ckpt                   best selection accuracy (kept apart)
//   DIR/checkpoints/step-<9 digits>.ckpt   the latest K (--keep-last)
#include <cstdint>
#include <string>
#include <vector>

namespace dign::run {

struct RunFiles {
  explicit RunFiles(std::string dir) : dir(std::move(dir)) {}
  std::string dir;
  std::string config() const;
  std::string log() const;
  std::string metrics() const;
  std::string best() const;
  std::string checkpoint_dir() const;
  std::string checkpoint(int64_t step) const;

  /// Checkpoints in DIR/checkpoints, newest (highest step) first.
  std::vector<std::string> checkpoints_newest_first() const;
  /// Deletes all but the newest `keep` step checkpoints.
  void prune_checkpoints(int64_t keep) const;
  /// Deletes temporaries a crash left mid-write (".<name>.tmp-XXXXXX").
  void remove_stale_temporaries() const;
};

/// `which` = best | last | a path. "last" is the newest checkpoint of the run in `dir`.
/// dign::Error when there is none.
std::string resolve_checkpoint(const std::string& dir, const std::string& which);

}  // namespace dign::run
