#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "cli/choice_flags.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "cli/world.h"
#include "core/error.h"
#include "core/stop_signal.h"
#include "core/threads.h"
#include "run/presets.h"
#include "train/trainer.h"

namespace dign::cli {
namespace {

/// The command line's view of TrainOptions.
struct TrainArgs {
  run::TrainOptions o;
  std::shared_ptr<ChoiceFlags<objectives::MethodOptions>> method;
  std::shared_ptr<ChoiceFlags<models::ArchOptions>> arch;
  bool quiet = false;
  std::string resume;
  std::string preset;
  bool list_presets = false;
  CLI::App* command = nullptr;
  std::string preload_error;  ///< reading the resumed run's config failed
  double dist_timeout = 300;  ///< seconds
  double bucket_mb = 25;

  // A fresh run names its data (no silent default); a resumed run defaults to its own.
  TrainArgs() { o.data.path.clear(); }
  /// The options: defaults (or the resumed run's), then the preset's values, then the flags
  /// given, which win over the preset.
  run::TrainOptions options() const {
    const run::Preset* p = preset.empty() ? nullptr : &run::preset_named(preset);
    if (p && !p->arch.empty()) arch->prefer(p->arch);
    run::TrainOptions t = o;
    t.method = objectives::MethodConfig{method->resolve()};
    t.model = arch->resolve();
    if (p) {
      std::set<std::string> given;
      for (const CLI::Option* option : command->get_options()) {
        if (option->count() == 0) continue;
        for (const auto& name : option->get_lnames()) given.insert("--" + name);
      }
      run::apply_preset(*p, t, given);
    }
    return t;
  }
};

}  // namespace

void add_train_command(CLI::App& app, Action& action, const std::optional<std::string>& resume) {
  auto* cmd = app.add_subcommand(
      "train", "Train a classifier (default: DiGN, the paper's setting), or continue one");
  auto a = std::make_shared<TrainArgs>();
  if (resume) {
    // Defaults become the run's saved options, so that only options given again can differ.
    try {
      a->o = train::saved_options(*resume);
    } catch (const Error& e) {
      a->preload_error = e.what();
    }
  }
  run::TrainOptions& o = a->o;
  add_data_options(*cmd, o.data, /*required=*/false);
  auto* out = cmd->add_option("--out", o.out, "Run directory to create");
  cmd->add_option("--resume", a->resume,
                  "Continue the run in DIR from its newest checkpoint with its saved options")
      ->excludes(out);
  a->method =
      std::make_shared<ChoiceFlags<objectives::MethodOptions>>(*cmd, "method", o.method.options);
  a->arch = std::make_shared<ChoiceFlags<models::ArchOptions>>(*cmd, "arch", o.model);
  cmd->add_option("--epochs", o.epochs, "Training epochs (may be raised when resuming)")
      ->capture_default_str();
  cmd->add_option("--batch-size", o.batch_size, "Images per batch")->capture_default_str();
  cmd->add_option("--lr", o.lr, "Initial learning rate")->capture_default_str();
  cmd->add_option(
         "--lr-milestones", o.lr_milestones,
         "Epochs after which the learning rate is multiplied by --lr-gamma (comma-separated)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--lr-gamma", o.lr_gamma, "Learning-rate decay factor")->capture_default_str();
  cmd->add_option("--warmup-epochs", o.warmup_epochs,
                  "Linear learning-rate warm-up over N epochs, per step (0 = none, the paper's)")
      ->capture_default_str();
  cmd->add_option("--momentum", o.momentum, "SGD momentum")->capture_default_str();
  cmd->add_option("--weight-decay", o.weight_decay, "L2 weight decay")->capture_default_str();
  cmd->add_flag("--nesterov,!--no-nesterov", o.nesterov, "Nesterov momentum (default on)");
  cmd->add_option("--augment", o.augment,
                  "Comma-separated subset of crop,flip,jitter,rotate, or none")
      ->capture_default_str();
  cmd->add_option("--seed", o.seed, "Seed of every random draw of the run")->capture_default_str();
  cmd->add_option("--train-limit", o.train_limit, "Use N training images (0 = all)");
  cmd->add_option("--test-limit", o.test_limit, "Use N test images (0 = all)");
  cmd->add_option("--val-split", o.val_split,
                  "Hold out N training images to select the best checkpoint (0 = test set, as "
                  "the paper)");
  cmd->add_option("--select-by", o.select_by,
                  "Best checkpoint by clean accuracy (the paper) or robust: PGD-20 accuracy at "
                  "l_inf 8/255, random start, on --select-limit images of the selection split")
      ->capture_default_str();
  cmd->add_option("--select-limit", o.select_limit,
                  "Images (evenly spaced) that --select-by robust attacks each epoch")
      ->capture_default_str();
  cmd->add_option("--eval-batch-size", o.eval_batch_size, "Images per batch when evaluating")
      ->capture_default_str();
  cmd->add_option("--checkpoint-every", o.checkpoint_every,
                  "Also checkpoint every N steps (0 = at epoch ends and on SIGINT/SIGTERM only)")
      ->capture_default_str();
  cmd->add_option("--keep-last", o.keep_last, "Step checkpoints kept (the best is kept apart)")
      ->capture_default_str();
  cmd->add_option("--on-nonfinite", o.on_nonfinite,
                  "NaN/Inf loss or gradient: stop (keep the last checkpoint) or skip the batch")
      ->capture_default_str();
  cmd->add_option("--loader-threads", o.loader_threads,
                  "Threads preparing training batches (0 = --threads); results do not depend on it")
      ->capture_default_str();
  cmd->add_option("--preset", a->preset,
                  "The paper's settings for a dataset: cifar10, cifar100, tiny-imagenet or "
                  "imagenette (--list-presets shows them); flags given explicitly win")
      ->excludes("--resume");
  cmd->add_flag("--list-presets", a->list_presets,
                "Print the presets and what they set, then exit");
  add_dist_timeout_option(*cmd, a->dist_timeout, "the run");
  cmd->add_option("--bucket-mb", a->bucket_mb,
                  "Data-parallel runs: MiB of gradients per all-reduce")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_flag("--sync-bn", o.sync_bn,
                "Data-parallel runs: BatchNorm statistics over every rank's batch (as one process "
                "with the global batch) instead of each rank's own; an error for a model without "
                "BatchNorm; recorded in config.json and kept by --resume");
  add_machine_options(*cmd, o.machine);
  add_quiet_option(*cmd, a->quiet);
  a->command = cmd;

  cmd->callback([&action, a] {
    action = [a] {
      if (a->list_presets) {
        std::cout << run::presets_table();
        return 0;
      }
      DIGN_CHECK(a->preload_error.empty(), a->preload_error);
      DIGN_CHECK(!a->resume.empty() || !a->o.out.empty(),
                 "--out: a run directory is required (or --resume DIR to continue one)");
      DIGN_CHECK(!a->o.data.path.empty(),
                 "--data: a dataset directory, or 'synthetic' for the built-in data, is required");
      run::TrainOptions o = a->options();
      install_stop_handlers();
      // Under torchrun or dign launch: one rank of a data-parallel run.
      train::DataParallel parallel;
      parallel.bucket_bytes = static_cast<int64_t>(a->bucket_mb * 1024 * 1024);
      const auto world = distributed::world_from_environment();
      if (world && world->world_size > 1) {
        // Before connecting: every rank finds it alike.
        DIGN_CHECK_OPTION(
            o.batch_size % world->world_size == 0, "batch_size", o.batch_size,
            " is the global batch and must be divisible by WORLD_SIZE=", world->world_size);
        // The machine's cores shared by its ranks, unless --threads says otherwise.
        if (o.machine.threads == 0) {
          o.machine.threads = std::max(1, usable_cores() / world->local_world_size);
        }
        parallel.group = join_world(*world, a->dist_timeout);
      }
      const bool rank0 = !parallel.group || parallel.group->rank() == 0;
      const auto progress = make_progress(a->quiet || !rank0);
      const auto summary = a->resume.empty()
                               ? train::run_training(o, *progress, parallel)
                               : train::resume_training(a->resume, o, *progress, parallel);
      if (!rank0) return summary.interrupted_by != 0 ? 128 + summary.interrupted_by : 0;
      const std::string dir = a->resume.empty() ? o.out : a->resume;
      if (summary.interrupted_by != 0) {
        std::cout << "resume with: dign train --resume " << dir << "\n";
        return 128 + summary.interrupted_by;
      }
      if (summary.already_finished) {
        std::cout << dir << ": the run has finished all " << summary.epochs
                  << " epochs; nothing to do (raise --epochs to extend it)\n";
        return 0;
      }
      std::cout << "best " << summary.selection_set << " accuracy " << summary.best_accuracy
                << " at epoch " << summary.best_epoch << "; run written to " << dir << "\n";
      return 0;
    };
  });
}

}  // namespace dign::cli
