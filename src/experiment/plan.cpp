#include "experiment/plan.h"

#include <fmt/format.h>

#include <filesystem>

#include "core/error.h"

namespace dign::experiment {
namespace fs = std::filesystem;

namespace {

/// Single-quoted for /bin/sh unless it needs no quoting.
std::string shell_quoted(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789/._-+=:,") == std::string::npos) {
    return s;
  }
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string absolute(const std::string& p) {
  return fs::absolute(p).lexically_normal().string();
}

}  // namespace

std::vector<std::string> pending_jobs(const Grid& grid, const std::vector<RunState>& states) {
  std::vector<std::string> jobs;
  for (size_t i = 0; i < grid.runs.size(); ++i) {
    if (states[i].stage != Stage::kDone && states[i].stage != Stage::kRunning) {
      jobs.push_back(grid.runs[i].name);
    }
  }
  if (grid.landscape.enabled &&
      !fs::exists(fs::path(grid.runs_root) / grid.landscape.name / "landscape.json")) {
    jobs.push_back(grid.landscape.name);
  }
  return jobs;
}

std::string job_command(const std::string& binary, const std::string& grid_file,
                        const std::string& runs_root, const std::string& name) {
  return fmt::format("{} experiment run {} --runs-root {} --run {}", shell_quoted(binary),
                     shell_quoted(absolute(grid_file)), shell_quoted(absolute(runs_root)),
                     shell_quoted(name));
}

std::string plan_script(const Grid& grid, const std::vector<RunState>& states,
                        const std::string& format, const std::string& binary) {
  DIGN_CHECK(format == "shell" || format == "slurm", "--format: expected shell or slurm, got '",
             format, "'");
  std::vector<std::string> jobs = pending_jobs(grid, states);
  const bool landscape = !jobs.empty() && jobs.back() == grid.landscape.name;
  std::string out;
  if (format == "shell") {
    out = fmt::format(
        "# {}: {} pending job(s); each command is idempotent (skips what is done, "
        "resumes what was interrupted)\n",
        grid.file, jobs.size());
    if (landscape) out += "# the last (landscape) needs the runs it measures to be done first\n";
    for (const auto& job : jobs) out += job_command(binary, grid.file, grid.runs_root, job) + "\n";
    return out;
  }
  if (landscape) jobs.pop_back();
  out = "#!/bin/bash\n";
  out += fmt::format(
      "# {}: {} pending run(s) as a SLURM array; submit with sbatch. Each task is "
      "idempotent:\n# a task killed or preempted and run again resumes its run.\n",
      grid.file, jobs.size());
  out += fmt::format("#SBATCH --job-name={}\n", grid.name);
  if (!jobs.empty()) out += fmt::format("#SBATCH --array=0-{}\n", jobs.size() - 1);
  out += "#SBATCH --requeue\nset -eu\nRUNS=(";
  for (size_t i = 0; i < jobs.size(); ++i) out += (i ? " " : "") + shell_quoted(jobs[i]);
  out += ")\n";
  out +=
      fmt::format("exec {} \"${{RUNS[$SLURM_ARRAY_TASK_ID]}}\"\n",
                  job_command(binary, grid.file, grid.runs_root, "X")
                      .substr(0, job_command(binary, grid.file, grid.runs_root, "X").size() - 1));
  if (landscape) {
    out += fmt::format(
        "# Figure 2 once the array is done: sbatch --dependency=afterok:<array job id> "
        "--wrap \"{}\"\n",
        job_command(binary, grid.file, grid.runs_root, grid.landscape.name));
  }
  return out;
}

}  // namespace dign::experiment
