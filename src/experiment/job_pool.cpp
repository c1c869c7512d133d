#include "experiment/job_pool.h"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "core/error.h"
#include "core/stop_signal.h"
#include "core/subprocess.h"
#include "experiment/plan.h"
#include "experiment/run_state.h"

namespace dign::experiment {
namespace fs = std::filesystem;

int threads_per_job(int threads, int jobs) {
  DIGN_CHECK(jobs >= 1, "--jobs: expected at least 1, got ", jobs);
  return std::max(1, threads / jobs);
}

namespace {

struct Running {
  Child child;
  std::string name;
  std::chrono::steady_clock::time_point start;
};

std::vector<std::string> job_argv(const Grid& grid, const std::string& binary,
                                  const std::string& name, int threads, const JobPoolOptions& o) {
  std::vector<std::string> argv = {
      binary,         "experiment", "run",    grid.file,   "--runs-root",
      grid.runs_root, "--run",      name,     "--threads", std::to_string(threads),
      "--device",     o.device,     "--quiet"};
  if (o.loader_threads > 0) {
    argv.push_back("--loader-threads");
    argv.push_back(std::to_string(o.loader_threads));
  }
  return argv;
}

}  // namespace

int run_jobs(const Grid& grid, const JobPoolOptions& o, const std::string& binary,
             Progress& progress) {
  const int per_job = threads_per_job(o.threads, o.jobs);
  std::vector<std::string> runs = pending_jobs(grid, grid_state(grid));
  const bool landscape =
      grid.landscape.enabled && !runs.empty() && runs.back() == grid.landscape.name;
  if (landscape) runs.pop_back();
  const fs::path logs = fs::path(grid.runs_root) / "jobs";
  fs::create_directories(logs);
  int stopped_by = 0;
  // Runs `names`, `at_once` at a time with `threads` each; the first failure's exit code.
  auto run_queue = [&](const std::vector<std::string>& names, int at_once, int threads) {
    std::map<pid_t, Running> running;
    int first_failure = 0;
    size_t next = 0;
    while (next < names.size() || !running.empty()) {
      if (const int sig = stop_requested(); sig != 0 && stopped_by == 0) {
        stopped_by = sig;  // forwarded once: a second SIGINT would make a job exit at once
        for (const auto& entry : running) signal_child(entry.second.child, SIGTERM);
      }
      while (stopped_by == 0 && next < names.size() && static_cast<int>(running.size()) < at_once) {
        const std::string& name = names[next++];
        const std::string log = (logs / (name + ".log")).string();
        const Child c = spawn_child(job_argv(grid, binary, name, threads, o), {}, log);
        running[c.pid] = Running{c, name, std::chrono::steady_clock::now()};
        progress.message(fmt::format("{}: started ({} threads; log {})", name, threads, log));
      }
      const auto done = poll_children();
      if (!done) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      const auto it = running.find(done->pid);
      if (it == running.end()) continue;  // not one of ours
      const double minutes =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second.start)
              .count() /
          60.0;
      if (done->code == 0) {
        progress.message(fmt::format("{}: done in {:.1f} min", it->second.name, minutes));
      } else {
        progress.warning(fmt::format("{}: exited with code {} after {:.1f} min (see {})",
                                     it->second.name, done->code, minutes,
                                     (logs / (it->second.name + ".log")).string()));
        if (first_failure == 0) first_failure = done->code;
      }
      running.erase(it);
    }
    return first_failure;
  };
  const int failed = run_queue(runs, o.jobs, per_job);
  if (stopped_by != 0) return 128 + stopped_by;
  if (failed != 0 || !landscape) return failed;
  const int landscape_code = run_queue({grid.landscape.name}, 1, std::max(1, o.threads));
  return stopped_by != 0 ? 128 + stopped_by : landscape_code;
}

}  // namespace dign::experiment
