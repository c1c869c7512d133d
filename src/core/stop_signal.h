#pragma once
// A stop request raised by a signal handler and polled by long-running loops.
// The library only reads it; the command-line tool installs the handlers
// (and decides that a second SIGINT exits at once). Async-signal-safe.
#include <stdexcept>
#include <string>

namespace dign {

/// Records `signal_number` (SIGINT, SIGTERM) as a request to stop cleanly.
void request_stop(int signal_number) noexcept;
/// The signal that requested a stop, or 0.
int stop_requested() noexcept;
void clear_stop_request() noexcept;

/// Thrown by work that stops at a request after keeping what it finished (an evaluation's cells,
/// eval/cell_log.h), so that nothing half-done is written as if complete.
class Stopped : public std::runtime_error {
 public:
  explicit Stopped(int signal_number)
      : std::runtime_error("stopped by signal " + std::to_string(signal_number)),
        signal_(signal_number) {}
  int signal_number() const noexcept { return signal_; }

 private:
  int signal_;
};

}  // namespace dign
