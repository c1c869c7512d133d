#pragma once
// `dign experiment plan`: one self-contained command per pending run of a grid, for a cluster
// scheduler, GNU parallel or any job queue. Each command is `dign experiment run FILE --run
// NAME --runs-root ROOT` with absolute paths: it trains, resumes or only evaluates as the
// run's state requires and does nothing once the run is done, so running it twice, or after
// a kill, is safe. LibTorch-free.
#include <string>
#include <vector>

#include "experiment/grid.h"
#include "experiment/run_state.h"

namespace dign::experiment {

/// The names of the jobs still to do, in grid order: runs neither done nor running, then the
/// landscape job when it is enabled and its report is absent.
std::vector<std::string> pending_jobs(const Grid& grid, const std::vector<RunState>& states);

/// The command that does job `name` of the grid in `grid_file`.
std::string job_command(const std::string& binary, const std::string& grid_file,
                        const std::string& runs_root, const std::string& name);

/// format "shell": one command per line; "slurm": an array job script (the landscape job, which
/// needs the array's runs, printed as a dependent submission). dign::Error for another format.
std::string plan_script(const Grid& grid, const std::vector<RunState>& states,
                        const std::string& format, const std::string& binary);

}  // namespace dign::experiment
