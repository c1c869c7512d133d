#pragma once
// One run directory, one writer. An flock on DIR/lock, which the kernel
// releases when the holder dies however it dies; the holder writes its host
// and pid inside so that a second run can say who holds it (a pid alone is
// reused and means nothing across hosts).
#include <string>

namespace dign::run {

class RunLock {
 public:
  /// Creates `dir` if needed and locks it; dign::Error naming the holder if another process has it.
  explicit RunLock(const std::string& dir);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

/// "host <name> pid <pid>" of this process, as written into lock files.
std::string lock_holder_description();

}  // namespace dign::run
