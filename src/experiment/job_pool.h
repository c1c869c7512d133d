#pragma once
// `dign experiment run --jobs N`: up to N of a grid's pending runs at once, each in its own
// process (`dign experiment run FILE --run NAME`, the command `plan` prints) with the threads
// split between them, and the landscape job last with all of them. Each job's output goes to
// RUNS_ROOT/jobs/NAME.log. The jobs' own skip / resume / run-lock logic makes this safe to
// kill and start again, like the one-at-a-time runner. LibTorch-free.
//
//   JobPoolOptions o;  o.jobs = 4;  o.threads = 16;        // 4 runs at 4 threads each
//   int code = run_jobs(grid, o, self_executable(), progress);
#include <string>

#include "core/progress.h"
#include "experiment/grid.h"

namespace dign::experiment {

struct JobPoolOptions {
  int jobs = 2;     ///< runs at once (>= 1)
  int threads = 0;  ///< threads of all jobs together (0 = the cores this process may use)
  std::string device = "auto";
  int64_t loader_threads = 0;  ///< per job (0 = the job's own default)
};

/// Threads each of `jobs` concurrent jobs gets out of `threads` (at least 1).
int threads_per_job(int threads, int jobs);

/// Runs the grid's pending jobs through `binary`; 0 when all succeeded, 128 + signal when a
/// SIGINT / SIGTERM stopped it (forwarded to the running jobs, which checkpoint), else the
/// first failed job's exit code (the other jobs still run to their end).
int run_jobs(const Grid& grid, const JobPoolOptions& options, const std::string& binary,
             Progress& progress);

}  // namespace dign::experiment
