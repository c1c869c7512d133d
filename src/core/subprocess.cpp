#include "core/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.h"

extern char** environ;

namespace dign {

std::string self_executable() {
  std::error_code ec;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("dign") : path.string();
}

Child spawn_child(const std::vector<std::string>& argv,
                  const std::vector<std::pair<std::string, std::string>>& environment,
                  const std::string& log_file) {
  DIGN_CHECK(!argv.empty(), "spawn_child: empty command");
  // Everything the child needs is prepared before fork(): after it only async-signal-safe
  // calls are allowed (the parent may have threads).
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    bool overridden = false;
    for (const auto& variable : environment) {
      const std::string prefix = variable.first + "=";
      overridden |= entry.compare(0, prefix.size(), prefix) == 0;
    }
    if (!overridden) env_strings.push_back(entry);
  }
  for (const auto& [name, value] : environment) env_strings.push_back(name + "=" + value);
  std::vector<char*> args, env;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  for (auto& e : env_strings) env.push_back(e.data());
  args.push_back(nullptr);
  env.push_back(nullptr);
  int log_fd = -1;
  if (!log_file.empty()) {
    log_fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    DIGN_CHECK(log_fd >= 0, log_file, ": cannot open for writing (", std::strerror(errno), ")");
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Its own process group: a Ctrl-C at the terminal reaches the parent alone, which decides
    // what to forward (one SIGTERM; a second SIGINT would make a job exit without a checkpoint).
    ::setpgid(0, 0);
    if (log_fd >= 0) {
      ::dup2(log_fd, STDOUT_FILENO);
      ::dup2(log_fd, STDERR_FILENO);
    }
    ::execve(args[0], args.data(), env.data());
    ::_exit(127);
  }
  const int fork_errno = errno;
  if (log_fd >= 0) ::close(log_fd);
  DIGN_CHECK(pid > 0, argv[0], ": cannot start a process (", std::strerror(fork_errno), ")");
  return Child{pid};
}

std::optional<ChildExit> poll_children() {
  int status = 0;
  pid_t pid;
  do {
    pid = ::waitpid(-1, &status, WNOHANG);
  } while (pid < 0 && errno == EINTR);
  if (pid <= 0) return std::nullopt;
  ChildExit e;
  e.pid = pid;
  e.signaled = WIFSIGNALED(status);
  e.code = e.signaled ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  return e;
}

void signal_child(const Child& child, int signal_number) {
  if (child.pid > 0) ::kill(child.pid, signal_number);
}

}  // namespace dign
