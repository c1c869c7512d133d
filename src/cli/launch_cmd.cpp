// dign launch --nproc N [--master-port P] -- train|eval|landscape ...: N local workers of this
// executable, each a rank of one data-parallel run, with torchrun's environment contract (RANK,
// WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT). For users without torchrun.
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "core/error.h"
#include "core/subprocess.h"
#include "distributed/environment.h"

namespace dign::cli {
namespace {

struct LaunchArgs {
  int nproc = 1;
  int master_port = 0;  ///< 0: MASTER_PORT from the environment, else a free port
  double grace = 10;    ///< seconds the other workers get to end after one failed
  std::vector<std::string> command;
};

volatile std::sig_atomic_t g_forward = 0;  ///< a signal to forward to the workers

extern "C" void on_launch_signal(int sig) {
  g_forward = sig;
}

int launch(const LaunchArgs& a) {
  DIGN_CHECK(a.nproc >= 1, "--nproc: expected at least 1, got ", a.nproc);
  const std::string first = a.command.empty() ? "" : a.command.front();
  DIGN_CHECK(first == "train" || first == "eval" || first == "landscape",
             "dign launch: expected a dign command after --, train, eval or landscape, e.g. -- "
             "train --data ... --out ...");
  int port = a.master_port;
  if (port == 0) {
    const char* env = std::getenv("MASTER_PORT");
    if (env) {
      // Checked as a worker would check it.
      port =
          distributed::world_from(
              distributed::map_getter({{"RANK", "0"}, {"WORLD_SIZE", "1"}, {"MASTER_PORT", env}}))
              ->master_port;
    } else {
      port = distributed::free_loopback_port();
    }
  }
  DIGN_CHECK(port >= 1 && port <= 65535, "--master-port: expected 1 to 65535, got ", port);

  struct sigaction action {};
  action.sa_handler = on_launch_signal;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &action, nullptr);

  std::vector<std::string> argv{self_executable()};
  argv.insert(argv.end(), a.command.begin(), a.command.end());
  std::vector<Child> workers;
  std::vector<bool> running(static_cast<size_t>(a.nproc), true);
  for (int rank = 0; rank < a.nproc; ++rank) {
    // Each in a process group of its own: a terminal's Ctrl-C reaches a worker once, forwarded.
    workers.push_back(spawn_child(argv, {{"RANK", std::to_string(rank)},
                                         {"LOCAL_RANK", std::to_string(rank)},
                                         {"WORLD_SIZE", std::to_string(a.nproc)},
                                         {"LOCAL_WORLD_SIZE", std::to_string(a.nproc)},
                                         {"MASTER_ADDR", "127.0.0.1"},
                                         {"MASTER_PORT", std::to_string(port)},
                                         {"TORCHELASTIC_USE_AGENT_STORE", "False"}}));
  }
  std::cerr << fmt::format("dign launch: {} workers, MASTER_ADDR=127.0.0.1 MASTER_PORT={}\n",
                           a.nproc, port);

  int result = 0;
  int alive = a.nproc;
  std::chrono::steady_clock::time_point kill_at{};
  bool stopping = false;
  auto signal_running = [&](int sig) {
    for (size_t rank = 0; rank < workers.size(); ++rank) {
      if (running[rank]) signal_child(workers[rank], sig);
    }
  };
  while (alive > 0) {
    if (const int sig = g_forward) {
      g_forward = 0;
      signal_running(sig);
    }
    if (const auto done = poll_children()) {
      for (size_t rank = 0; rank < workers.size(); ++rank) {
        if (workers[rank].pid != done->pid) continue;
        running[rank] = false;
        --alive;
        if (done->code == 0) continue;
        if (result == 0) {
          result = done->code;
          std::cerr << fmt::format(
              "dign launch: rank {} (pid {}) {} {}; stopping the other workers\n", rank, done->pid,
              done->signaled ? "was killed by signal" : "exited with code",
              done->signaled ? done->code - 128 : done->code);
        }
        if (!stopping) {
          // The others usually fail at once in their next collective; give them a moment to
          // end on their own, then end them (SIGCONT: a stopped worker cannot act on SIGTERM).
          stopping = true;
          kill_at = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(static_cast<int64_t>(a.grace * 1000));
          signal_running(SIGTERM);
          signal_running(SIGCONT);
        }
      }
      continue;
    }
    if (stopping && std::chrono::steady_clock::now() >= kill_at) {
      signal_running(SIGKILL);
      stopping = false;  // once
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return result;
}

}  // namespace

void add_launch_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "launch",
      "Run dign train, eval or landscape as N local data-parallel workers (as torchrun "
      "--no-python does): dign launch --nproc 2 -- train ...");
  auto a = std::make_shared<LaunchArgs>();
  cmd->add_option("--nproc", a->nproc, "Workers (ranks) to start on this machine")
      ->required()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--master-port", a->master_port,
                  "Rendezvous port on 127.0.0.1 (default: MASTER_PORT, else a free port)")
      ->check(CLI::Range(1, 65535));
  cmd->add_option("--grace", a->grace,
                  "Seconds the other workers get to end after one failed, before SIGKILL")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("command", a->command, "The dign command each worker runs, after --")->required();
  cmd->callback([&action, a] { action = [a] { return launch(*a); }; });
}

}  // namespace dign::cli
