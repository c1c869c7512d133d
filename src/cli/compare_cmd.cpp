#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/error.h"
#include "eval/compare.h"

namespace dign::cli {

void add_compare_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "compare",
      "Paired comparison of two models evaluated on the same images (reports written by "
      "'dign eval --save-predictions DIR'): A - B for clean accuracy, ECE, RMSE, noisy "
      "accuracy and RMSE, mCA, mCA-N, RMSE, RMSE-N, ECE-N with a paired bootstrap interval and "
      "the fraction of resamples in which A is better");
  auto o = std::make_shared<eval::CompareOptions>();
  cmd->add_option("a", o->a, "Report A (eval.json)")->required();
  cmd->add_option("b", o->b, "Report B (eval.json), evaluated on the same images as A")->required();
  cmd->add_option("--bootstrap", o->resamples, "Bootstrap resamples")->capture_default_str();
  cmd->add_option("--seed", o->seed,
                  "Seed of the resamples (dign eval --bootstrap draws the same with its --seed)")
      ->capture_default_str();
  cmd->add_option("--out", o->out, "Also write the table to FILE.json and FILE.md");
  cmd->add_option("--threads", o->threads, "Threads of the bootstrap")->capture_default_str();
  cmd->callback([&action, o] {
    action = [o] {
      std::cout << eval::compare_markdown(eval::compare_reports(*o));
      return 0;
    };
  });
}

}  // namespace dign::cli
