#pragma once
// Each subcommand registers its options on the CLI11 app and sets `action`
// to run once parsing succeeded. Options are filled in exactly one place.
#include <CLI/CLI.hpp>

#include <functional>

namespace dign::cli {

using Action = std::function<int()>;

void add_train_command(CLI::App& app, Action& action);
void add_eval_command(CLI::App& app, Action& action);
void add_demo_command(CLI::App& app, Action& action);

/// Runs the CLI on argv; returns the process exit code. Errors are one line on stderr.
int run(int argc, char** argv);

}  // namespace dign::cli
