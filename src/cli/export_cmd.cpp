#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "run/export_run.h"

namespace dign::cli {

void add_export_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "export",
      "Write a trained run's model for PyTorch: a TorchScript archive (torch.jit.load(FILE)(x)) "
      "or a state dict (torch.load(FILE, weights_only=True), the names of "
      "python/dign_reference.py), the normalization inside; the same logits as dign's");
  auto o = std::make_shared<run::ExportOptions>();
  cmd->add_option("--model", o->model_dir, "Run directory written by 'dign train'")->required();
  cmd->add_option("--checkpoint", o->checkpoint, "best|last|PATH")->capture_default_str();
  cmd->add_option("--out", o->out, "The file written (replaced atomically)")->required();
  cmd->add_option("--format", o->format,
                  "torchscript (resnet18, wrn18, densenet121, resnet50; dign eval --model FILE "
                  "reads it back) or state-dict (any architecture)")
      ->check(CLI::IsMember({"torchscript", "state-dict"}))
      ->capture_default_str();
  auto quiet = std::make_shared<bool>(false);
  add_quiet_option(*cmd, *quiet);
  cmd->callback([&action, o, quiet] {
    action = [o, quiet] {
      run::run_export(*o, *make_progress(*quiet));
      return 0;
    };
  });
}

}  // namespace dign::cli
