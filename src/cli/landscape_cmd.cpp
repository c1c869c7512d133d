#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "cli/world.h"
#include "distributed/sharded_eval.h"
#include "landscape/landscape_run.h"

namespace dign::cli {

void add_landscape_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "landscape",
      "The loss landscape under random perturbations (the paper's Figure 2) and the section 3.1 "
      "checks (Eq. 8-10, Proposition 1) for one or more trained runs, in fp32");
  auto o = std::make_shared<landscape::LandscapeRunOptions>();
  auto& l = o->landscape;
  cmd->add_option("--model", o->model_dirs,
                  "Run directory written by 'dign train'; repeat for one curve per run")
      ->required()
      ->take_all();
  cmd->add_option("--checkpoint", o->checkpoint, "best|last|PATH (every model)")
      ->capture_default_str();
  add_data_options(*cmd, o->data, /*required=*/true);
  cmd->add_option("--out", o->out,
                  "Output directory: landscape.json, landscape.csv, landscape.png, landscape.svg")
      ->required();
  cmd->add_option("--limit", o->limit, "Test images, evenly spaced over the split (0 = all)")
      ->capture_default_str();
  cmd->add_option("--radii", l.radii,
                  "l2 radii of the perturbation, increasing, >= 0, [0,1] pixel units")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--directions", l.directions, "Random directions per image")
      ->capture_default_str();
  cmd->add_option("--eta", l.eta,
                  "Step of the centred gradient differences for Tr(H^T H), per pixel")
      ->capture_default_str();
  cmd->add_option("--curvature-samples", l.curvature_samples,
                  "Probes z ~ N(0, I) per image for Tr(H^T H) and the Hutchinson trace")
      ->capture_default_str();
  cmd->add_option("--kl-samples", l.kl_samples,
                  "Noise draws per image and level for the Eq. 8 and Eq. 9 checks")
      ->capture_default_str();
  cmd->add_option("--sigmas", l.sigmas,
                  "Noise levels (per pixel) of the Eq. 8 check; each also the sigma_max of Eq. 9")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--seed", l.seed, "Seed of the directions, probes and noise")
      ->capture_default_str();
  cmd->add_option("--batch-size", l.batch_size,
                  "Images per batch (also BatchNorm's batch in the train-mode check)")
      ->capture_default_str();
  cmd->add_flag("--train-mode-check,!--no-train-mode-check", l.train_mode_check,
                "Also check Proposition 1 with the model in train mode (default on)");
  cmd->add_option("--threads", o->machine.threads, "Threads (0 = the cores this process may use)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--device", o->machine.device, "auto|cpu|cuda|cuda:N")->capture_default_str();
  auto dist_timeout = std::make_shared<double>(300);
  add_dist_timeout_option(*cmd, *dist_timeout, "the measurement (the ranks split the batches)");
  auto quiet = std::make_shared<bool>(false);
  add_quiet_option(*cmd, *quiet);
  cmd->callback([&action, o, quiet, dist_timeout] {
    o->landscape.validate();  // bad input fails at parsing, before any model is loaded
    action = [o, quiet, dist_timeout] {
      // Under torchrun or dign launch: the ranks split the batches; rank 0 writes.
      const auto group = join_world_from_environment(*dist_timeout);
      if (group) o->shards = distributed::eval_shards(*group);
      const bool rank0 = !group || group->rank() == 0;
      landscape::run_landscape(*o, *make_progress(*quiet || !rank0));
      return 0;
    };
  });
}

}  // namespace dign::cli
