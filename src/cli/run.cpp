#include <c10/util/Exception.h>

#include <csignal>
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "core/error.h"
#include "core/fields.h"
#include "core/version.h"
#include "distributed/process_group.h"

namespace dign::cli {
namespace {

/// The value of `train ... --resume DIR` (or --resume=DIR), if the command line has one.
std::optional<std::string> find_resume_dir(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) != "train") return std::nullopt;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--resume" && i + 1 < argc) return std::string(argv[i + 1]);
    if (arg.rfind("--resume=", 0) == 0) return arg.substr(9);
  }
  return std::nullopt;
}

/// The deepest subcommand the command line invoked.
const CLI::App& invoked(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands()) return invoked(*sub);
  return app;
}

/// A library option error under the flag the user typed: field "sigma_max" -> "--sigma-max"
/// when the invoked command has that flag; the field's own name otherwise.
std::string option_message(const CLI::App& app, const OptionError& e) {
  const std::string flag = flag_of(e.field());
  if (invoked(app).get_option_no_throw(flag) != nullptr) return flag + ": " + e.message();
  return e.what();
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{
      "dign: train image classifiers with Diverse Gaussian Noise consistency "
      "regularization and measure their robustness and calibration"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("dign ") + version() + " (" + git_commit() + ")");
  // One line per error, like every other error of the tool (CLI11 adds a "Run with --help" line).
  // --help shows every option's default.
  app.option_defaults()->always_capture_default();
  // A full disk or a file-size limit must fail a write (EFBIG), not kill the process.
  std::signal(SIGXFSZ, SIG_IGN);
  Action action;
  // Invalid input, whether CLI11 or dign finds it: one line "dign: error: ...", exit code 2.
  try {
    // Declaring the commands reads a resumed run's config.json and checks that no two
    // options share a flag: both can fail.
    add_train_command(app, action, find_resume_dir(argc, argv));
    add_eval_command(app, action);
    add_demo_command(app, action);
    add_corrupt_command(app, action);
    add_bench_command(app, action);
    add_export_command(app, action);
    add_landscape_command(app, action);
    add_compare_command(app, action);
    add_experiment_command(app, action);
    add_report_command(app, action);
    add_launch_command(app, action);
    add_calibrate_command(app, action);
    app.parse(argc, argv);
    return action();
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "dign: error: " << e.what() << "\n";
  } catch (const distributed::PeerFailure& e) {
    std::cerr << "dign: error: " << e.what() << "\n";
    return kPeerFailed;
  } catch (const OptionError& e) {
    std::cerr << "dign: error: " << option_message(app, e) << "\n";
  } catch (const Error& e) {
    std::cerr << "dign: error: " << e.what() << "\n";
  } catch (const c10::Error& e) {
    std::cerr << "dign: error: " << e.what_without_backtrace() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "dign: error: " << e.what() << "\n";
  }
  return kInvalidInput;
}

}  // namespace dign::cli
