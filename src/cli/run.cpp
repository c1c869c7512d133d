#include <c10/util/Exception.h>

#include <iostream>

#include "cli/commands.h"
#include "core/error.h"
#include "core/version.h"

namespace dign::cli {

int run(int argc, char** argv) {
  CLI::App app{
      "dign: train image classifiers with Diverse Gaussian Noise consistency "
      "regularization and measure their robustness and calibration"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("dign ") + version() + " (" + git_commit() + ")");
  // One line per error, like every other error of the tool (CLI11 adds a "Run with --help" line).
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string("dign: error: ") + e.what() + " (see --help)\n";
  });
  Action action;
  add_train_command(app, action);
  add_eval_command(app, action);
  add_demo_command(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    return action();
  } catch (const Error& e) {
    std::cerr << "dign: error: " << e.what() << "\n";
  } catch (const c10::Error& e) {
    std::cerr << "dign: error: " << e.what_without_backtrace() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "dign: error: " << e.what() << "\n";
  }
  return 2;
}

}  // namespace dign::cli
