#pragma once
// How the command line shows a command's progress (core/progress.h): on a terminal, messages
// on stdout and a status line redrawn in place on stderr; elsewhere (a log file, a pipe),
// messages and, at most every 30 s, the status as a plain line; with --quiet, nothing but
// warnings.
#include <chrono>
#include <memory>

#include "core/progress.h"

namespace dign::cli {

/// The sink for `quiet` and whether stderr is a terminal.
std::unique_ptr<Progress> make_progress(bool quiet);

/// Nothing but warnings, on stderr (--quiet).
class QuietProgress : public Progress {
 public:
  void message(const std::string&) override {}
  void warning(const std::string& line) override;
  void status(const std::string&) override {}
};

/// A redrawn status line on stderr; messages on stdout.
class TerminalProgress : public Progress {
 public:
  ~TerminalProgress() override;
  void message(const std::string& line) override;
  void warning(const std::string& line) override;
  void status(const std::string& line) override;

 private:
  void clear();
  size_t shown_ = 0;  ///< characters of the status line on screen
};

/// Messages on stdout; a status printed as its own line when 30 s have passed since the last.
class PlainProgress : public Progress {
 public:
  void message(const std::string& line) override;
  void warning(const std::string& line) override;
  void status(const std::string& line) override;

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace dign::cli
