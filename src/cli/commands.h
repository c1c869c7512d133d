#pragma once
// Each subcommand registers its options on the CLI11 app and sets `action`
// to run once parsing succeeded. Options are filled in exactly one place.
#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>

namespace dign::cli {

using Action = std::function<int()>;

/// The exit code of every invalid input (bad option, bad file), whoever finds it.
constexpr int kInvalidInput = 2;

/// `resume`: the DIR of `train --resume DIR`, found before parsing so that the
/// run's saved options become the defaults.
void add_train_command(CLI::App& app, Action& action, const std::optional<std::string>& resume);
void add_eval_command(CLI::App& app, Action& action);
void add_demo_command(CLI::App& app, Action& action);
void add_corrupt_command(CLI::App& app, Action& action);
void add_bench_command(CLI::App& app, Action& action);
void add_export_command(CLI::App& app, Action& action);
void add_landscape_command(CLI::App& app, Action& action);
void add_compare_command(CLI::App& app, Action& action);
void add_experiment_command(CLI::App& app, Action& action);
void add_calibrate_command(CLI::App& app, Action& action);
void add_report_command(CLI::App& app, Action& action);
void add_launch_command(CLI::App& app, Action& action);

/// A data-parallel peer rank died or hung (distributed::PeerFailure): not the user's input.
constexpr int kPeerFailed = 3;

/// Runs the CLI on argv; returns the process exit code. Errors are one line on stderr.
int run(int argc, char** argv);

}  // namespace dign::cli
