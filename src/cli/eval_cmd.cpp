#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "eval/evaluate_run.h"

namespace dign::cli {

void add_eval_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "eval", "Evaluate a trained run: accuracy and calibration, clean and under Gaussian noise");
  auto o = std::make_shared<eval::EvalRunOptions>();
  cmd->add_option("--model", o->model_dir, "Run directory written by 'dign train'")->required();
  cmd->add_option("--checkpoint", o->checkpoint, "best|last|PATH")->capture_default_str();
  add_data_options(*cmd, o->data, /*required=*/true);
  cmd->add_option("--out", o->out,
                  "Report FILE.json (CSV and Markdown beside it); default "
                  "<model>/eval.json");
  cmd->add_option("--test-limit", o->test_limit, "Use N test images (0 = all)");
  cmd->add_option("--noise-sigmas", o->eval.noise_sigmas,
                  "Gaussian noise levels in [0,1] pixel units (comma-separated)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option(
      "--ensemble", o->ensemble,
      "Test-time ensemble copies (0 = what the run recorded: RSE's --ensemble, else 1)");
  cmd->add_option("--bins", o->eval.bins, "Calibration bins of width 1/bins")
      ->capture_default_str();
  cmd->add_option("--batch-size", o->eval.batch_size, "Images per forward pass")
      ->capture_default_str();
  cmd->add_option("--seed", o->eval.seed, "Seed of the evaluation noise")->capture_default_str();
  add_machine_options(*cmd, o->threads, o->device, o->precision);
  cmd->callback([&action, o] {
    action = [o] {
      eval::run_evaluation(*o, std::cout);
      return 0;
    };
  });
}

}  // namespace dign::cli
