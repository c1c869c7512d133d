
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "core/error.h"
#include "core/file_io.h"
#include "core/stop_signal.h"
#include "core/subprocess.h"
#include "core/threads.h"
#include "experiment/grid.h"
#include "experiment/job_pool.h"
#include "experiment/plan.h"
#include "experiment/run_state.h"
#include "experiment/runner.h"
#include "experiment/tables.h"

namespace dign::cli {
namespace {

struct ExperimentArgs {
  std::string file, runs_root, only, out, device = "auto";
  std::string table_format = "markdown", plan_format = "shell";
  int threads = 0, jobs = 1;
  int64_t loader_threads = 0;
  int digits = 1;
  bool quiet = false, paper = false;
};

int tables(const ExperimentArgs& a) {
  const auto grid = experiment::load_grid(a.file, a.runs_root);
  const auto states = experiment::grid_state(grid);
  std::vector<std::optional<nlohmann::json>> reports;
  for (const auto& s : states) {
    const std::string path = s.dir + "/" + grid.evaluation.report;
    const bool trained = std::filesystem::exists(s.dir + "/metrics.json");
    reports.push_back(
        trained && std::filesystem::exists(path)
            ? std::optional<nlohmann::json>(nlohmann::json::parse(read_text_file(path)))
            : std::nullopt);
  }
  const auto t =
      experiment::build_tables(experiment::settings_of(grid, reports),
                               a.paper ? (grid.paper.empty() ? "cifar10" : grid.paper) : "");
  const std::string md = experiment::tables_markdown(t, a.digits);
  if (!a.out.empty()) {
    std::filesystem::create_directories(a.out);
    write_file_atomic(a.out + "/tables.md", md);
    write_file_atomic(a.out + "/tables.csv", experiment::tables_csv(t));
    write_file_atomic(a.out + "/tables.json", experiment::tables_json(t).dump(2) + "\n");
  }
  if (a.table_format == "csv") {
    std::cout << experiment::tables_csv(t);
  } else if (a.table_format == "json") {
    std::cout << experiment::tables_json(t).dump(2) << "\n";
  } else {
    DIGN_CHECK(a.table_format == "markdown", "--format: expected markdown, csv or json, got '",
               a.table_format, "'");
    std::cout << md;
  }
  return 0;
}

CLI::App* add_sub(CLI::App& parent, const char* name, const char* help, ExperimentArgs& a) {
  auto* cmd = parent.add_subcommand(name, help);
  cmd->add_option("FILE", a.file, "Grid file (JSON; docs/experiment.md)")->required();
  cmd->add_option("--runs-root", a.runs_root,
                  "Directory holding the grid's runs (default: the file's runs_root)");
  return cmd;
}

}  // namespace

void add_experiment_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "experiment",
      "Run a grid of trainings and evaluations and lay them out as the paper's tables");
  cmd->require_subcommand(1);
  auto a = std::make_shared<ExperimentArgs>();

  auto* run = add_sub(*cmd, "run",
                      "Train and evaluate every run of the grid in order, skipping what is done, "
                      "resuming what was interrupted, reusing runs with the same settings",
                      *a);
  run->add_option("--run", a->only, "Only this run (or landscape job), by name");
  run->add_option("--threads", a->threads,
                  "Threads of the run, or of all --jobs together (0 = the cores this process "
                  "may use)");
  run->add_option("--jobs", a->jobs,
                  "Runs at once, each in its own process with --threads split between them "
                  "(log in RUNS_ROOT/jobs/NAME.log); the landscape job last with all threads")
      ->capture_default_str();
  run->add_option("--device", a->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  run->add_option("--loader-threads", a->loader_threads, "Threads preparing training batches");
  add_quiet_option(*run, a->quiet);
  run->callback([&action, a] {
    action = [a] {
      const auto grid = experiment::load_grid(a->file, a->runs_root);
      install_stop_handlers();
      const auto progress = make_progress(a->quiet);
      if (a->jobs != 1) {
        DIGN_CHECK(a->jobs >= 1, "--jobs: expected at least 1, got ", a->jobs);
        DIGN_CHECK(a->only.empty(), "--jobs: runs a whole grid; it cannot be given with --run");
        experiment::JobPoolOptions j;
        j.jobs = a->jobs;
        j.threads = a->threads > 0 ? a->threads : usable_cores();
        j.device = a->device;
        j.loader_threads = a->loader_threads;
        const int code = experiment::run_jobs(grid, j, self_executable(), *progress);
        if (code != 0) {
          std::cout << "stopped or failed; continue with: dign experiment run " << a->file
                    << " --jobs " << a->jobs << "\n";
        }
        return code;
      }
      experiment::RunnerOptions o;
      o.only = a->only;
      o.threads = a->threads;
      o.device = a->device;
      o.loader_threads = a->loader_threads;
      const int code = experiment::run_grid(grid, o, *progress);
      if (code != 0) {
        std::cout << "stopped; continue with: dign experiment run " << a->file << "\n";
      }
      return code;
    };
  });

  auto* status = add_sub(*cmd, "status",
                         "Print done / running / pending runs, wall times and "
                         "an estimate of what is left",
                         *a);
  status->callback([&action, a] {
    action = [a] {
      const auto grid = experiment::load_grid(a->file, a->runs_root);
      std::cout << experiment::status_table(grid, experiment::grid_state(grid));
      return 0;
    };
  });

  auto* tables_cmd = add_sub(*cmd, "tables",
                             "The finished runs as the paper's Tables 1-4, 6, 7: "
                             "mean ± population std over seeds",
                             *a);
  tables_cmd->add_option("--format", a->table_format, "markdown, csv or json")
      ->capture_default_str();
  tables_cmd->add_option("--out", a->out, "Also write tables.md, .csv and .json into DIR");
  tables_cmd->add_flag("--paper", a->paper, "Show the paper's published value beside each cell");
  tables_cmd->add_option("--digits", a->digits, "Decimals of percentages")->capture_default_str();
  tables_cmd->callback([&action, a] { action = [a] { return tables(*a); }; });

  auto* plan = add_sub(*cmd, "plan",
                       "Print one idempotent command per pending run (shell), or "
                       "a SLURM array script (slurm)",
                       *a);
  plan->add_option("--format", a->plan_format, "shell or slurm")->capture_default_str();
  plan->callback([&action, a] {
    action = [a] {
      const auto grid = experiment::load_grid(a->file, a->runs_root);
      std::cout << experiment::plan_script(grid, experiment::grid_state(grid), a->plan_format,
                                           self_executable());
      return 0;
    };
  });
}

}  // namespace dign::cli
