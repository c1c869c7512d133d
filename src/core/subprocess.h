#pragma once
// Child processes of the command-line tool: `dign launch` starts one worker per rank and
// `dign experiment run --jobs N` one job per run, both as copies of this executable.
//
//   Child c = spawn_child({self_executable(), "train", "--out", "runs/a"},
//                         {{"RANK", "0"}}, "runs/a.job.log");
//   while (auto done = poll_children()) ...  // reaps whichever child ended
//   signal_child(c, SIGTERM);
#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dign {

struct Child {
  pid_t pid = -1;
};

/// How a child ended: `code` is its exit code, or 128 + N when signal N killed it.
struct ChildExit {
  pid_t pid = -1;
  int code = 0;
  bool signaled = false;
};

/// The path of the running executable (/proc/self/exe), for starting copies of it.
std::string self_executable();

/// Starts argv[0] (a path) with `argv`, this process's environment plus `environment`
/// (which overrides), stdout and stderr appended to `log_file` when it is not empty, in a
/// process group of its own (terminal signals reach the parent only).
/// dign::Error naming argv[0] when it cannot be started.
Child spawn_child(const std::vector<std::string>& argv,
                  const std::vector<std::pair<std::string, std::string>>& environment = {},
                  const std::string& log_file = "");

/// Reaps one child that has ended, without blocking; nullopt when none has.
std::optional<ChildExit> poll_children();

/// Sends `signal_number` to the child (ignored when it has already ended).
void signal_child(const Child& child, int signal_number);

}  // namespace dign
