#pragma once
// A stop request raised by a signal handler and polled by long-running loops.
// The library only reads it; the command-line tool installs the handlers
// (and decides that a second SIGINT exits at once). Async-signal-safe.
namespace dign {

/// Records `signal_number` (SIGINT, SIGTERM) as a request to stop cleanly.
void request_stop(int signal_number) noexcept;
/// The signal that requested a stop, or 0.
int stop_requested() noexcept;
void clear_stop_request() noexcept;

}  // namespace dign
