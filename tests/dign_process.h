#pragma once
// Runs the `dign` executable built beside the tests, as a user would.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "core/file_io.h"
#include "test_util.h"

namespace dign::testing {

struct ProcessResult {
  int code;  ///< exit code; 128 + N when killed by signal N
  std::string out, err;
};

/// `dign <args>` through /bin/sh, with `prefix` before it (e.g. "DIGN_FAULT=step:3 " or
/// "ulimit -f 64; "). Output is captured in files of `dir`.
inline ProcessResult run_dign(const std::string& args, const TempDir& dir,
                              const std::string& prefix = "") {
  const std::string out = dir.str("stdout.txt"), err = dir.str("stderr.txt");
  const std::string command =
      prefix + " " + std::string(DIGN_BINARY) + " " + args + " >" + out + " 2>" + err;
  const int status = std::system(command.c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return {code, read_text_file(out), read_text_file(err)};
}

/// Starts `dign <args>`, SIGKILLs it after `delay` (if still running); returns its exit code.
inline int run_dign_killed_after(const std::string& args, std::chrono::milliseconds delay) {
  const std::string command = "exec " + std::string(DIGN_BINARY) + " " + args + " >/dev/null 2>&1";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::this_thread::sleep_for(delay);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline int count_lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace dign::testing
