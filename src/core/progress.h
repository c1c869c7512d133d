#pragma once
// Where long-running work reports. The library never prints: it sends lines here and the
// command line decides what the user sees (a bar on a terminal, plain lines in a log,
// nothing with --quiet). LibTorch-free.
//
//   void evaluate(..., Progress& progress) {
//     progress.status(fmt::format("batch {}/{}", b, n));  // replaced by the next status
//     progress.message("clean: accuracy 0.93");            // kept
//   }
#include <ostream>
#include <string>

namespace dign {

class Progress {
 public:
  virtual ~Progress() = default;
  /// A line worth keeping: an epoch's summary, a result, a file written.
  virtual void message(const std::string& line) = 0;
  /// Something the user should know even when quiet (a checkpoint skipped as unreadable).
  virtual void warning(const std::string& line) = 0;
  /// Where long work stands now; each status replaces the previous one.
  virtual void status(const std::string& line) = 0;
};

/// Reports nothing at all (tests; library callers that want no output).
class SilentProgress : public Progress {
 public:
  void message(const std::string&) override {}
  void warning(const std::string&) override {}
  void status(const std::string&) override {}
};

/// Messages and warnings as lines on a stream; statuses dropped (tests, library users).
class StreamProgress : public Progress {
 public:
  explicit StreamProgress(std::ostream& out) : out_(out) {}
  void message(const std::string& line) override { out_ << line << "\n" << std::flush; }
  void warning(const std::string& line) override { out_ << "warning: " << line << "\n"; }
  void status(const std::string&) override {}

 private:
  std::ostream& out_;
};

}  // namespace dign
