#include <chrono>
#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "cli/world.h"
#include "core/error.h"
#include "distributed/sharded_eval.h"
#include "eval/evaluate_run.h"
#include "report/html_report.h"

namespace dign::cli {
namespace {

// The report's path as run_evaluation chooses it: --report, else <run>/eval.json, else
// m.eval.json beside a TorchScript file m.pt.
std::string report_path(const eval::EvalRunOptions& o) {
  namespace fs = std::filesystem;
  if (!o.report.empty()) return o.report;
  if (fs::is_directory(o.model_dir)) return (fs::path(o.model_dir) / "eval.json").string();
  return fs::path(o.model_dir).replace_extension(".eval.json").string();
}

}  // namespace

void add_eval_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "eval",
      "Evaluate a trained run or a TorchScript model: accuracy and calibration, clean, under "
      "Gaussian noise and on corrupted data (CIFAR-10-C)");
  auto o = std::make_shared<eval::EvalRunOptions>();
  cmd->add_option("--model", o->model_dir,
                  "Run directory written by 'dign train', or a TorchScript file (torch.jit.script "
                  "or torch.jit.trace, or dign export) mapping float [N,3,H,W] in [0,1] to logits")
      ->required();
  cmd->add_option("--checkpoint", o->checkpoint, "best|last|PATH (runs only)")
      ->capture_default_str();
  cmd->add_option("--input-mean", o->input_mean,
                  "TorchScript models only: per-channel mean subtracted before the model, 3 "
                  "comma-separated values or cifar10 (0.4914,0.4822,0.4465) or imagenet "
                  "(0.485,0.456,0.406); default none");
  cmd->add_option("--input-std", o->input_std,
                  "TorchScript models only: per-channel std the input is divided by, 3 "
                  "comma-separated values or cifar10 (0.2023,0.1994,0.2010) or imagenet "
                  "(0.229,0.224,0.225); default none");
  add_data_options(*cmd, o->data, /*required=*/true);
  add_resize_option(*cmd, o->data);
  cmd->add_option("--report", o->report,
                  "Report FILE.json (CSV and Markdown beside it); default <model>/eval.json");
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
  cmd->add_option("--seed", o->eval.seed,
                  "Seed of the evaluation's own draws (Gaussian noise, ensemble noise)")
      ->capture_default_str();
  auto* bootstrap =
      cmd->add_option("--bootstrap", o->eval.bootstrap,
                      "95% percentile-bootstrap intervals over the test images for every "
                      "accuracy, mCA, mCA-N, ECE, RMSE, OE and SH (<name>_ci95 in the JSON) with "
                      "B resamples drawn from --seed (1000 is the usual choice); default none");
  cmd->add_option("--save-predictions", o->eval.predictions_dir,
                  "Write every condition's per-image confidence, predicted class and label "
                  "(.npy) into DIR, for 'dign compare'");
  cmd->add_option("--corrupted", o->corrupted,
                  "Corrupted test set: a CIFAR-10-C style directory (<corruption>.npy, "
                  "labels.npy), or 'generate' to corrupt the test split in memory");
  add_corruption_options(*cmd, o->generate);
  cmd->add_option("--noise-set", o->corruption.noise_set,
                  "Corruptions counted as noise for mCA-N and the -N calibration figures "
                  "(gaussian_noise is always left out of them, as in the paper)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--baseline", o->baseline,
                  "Another model's eval.json on the same corruptions: adds mCE and relative mCE");
  cmd->add_option("--reliability-diagram", o->reliability_diagram,
                  "Write a reliability diagram (clean and corrupted): FILE.png or FILE.svg");
  cmd->add_option("--dump-probabilities", o->dump_probabilities,
                  "Write the clean test images' softmax probabilities, float32 [N, classes] in "
                  "reader order, to FILE.npy (cross-checks against other implementations)");
  auto attack = std::make_shared<eval::AttackOptions>();
  auto kinds = std::make_shared<std::vector<std::string>>();
  const std::string group = "Robust accuracy under attack";
  cmd->add_option("--attack", *kinds,
                  "Attacks (comma-separated): pgd (the settings below) and pgd7-paper (the "
                  "paper's code's: 7 steps of 2.5 eps / 7 from 0, last iterate)")
      ->delimiter(',')
      ->group(group);
  std::vector<CLI::Option*> settings = {
      cmd->add_option("--attack-eps", attack->epsilon, "Radius of the ball, [0,1] pixel units"),
      cmd->add_option("--attack-steps", attack->steps, "PGD steps"),
      cmd->add_option("--attack-step-size", attack->step_size,
                      "PGD step size (0: 2.5 * eps / steps)"),
      cmd->add_option("--attack-norm", attack->norm, "linf or l2"),
      cmd->add_flag("--attack-random-start,!--no-attack-random-start", attack->random_start,
                    "Start from a uniform draw in the ball (default on)"),
      cmd->add_option("--attack-restarts", attack->restarts,
                      "Restarts; an image counts as robust if every restart fails"),
      cmd->add_option("--attack-limit", attack->limit,
                      "Attack N test images evenly spaced over the split (0 = all)")};
  for (auto* option : settings) option->group(group)->capture_default_str();
  cmd->add_flag_callback(
      "--no-temperature", [o] { o->temperature = false; },
      "Ignore the run's calibration.json (dign calibrate); by default its temperature, when "
      "fitted on the evaluated checkpoint, adds temperature_scaled calibration to every condition");
  auto html = std::make_shared<bool>(false);
  cmd->add_flag("--html", *html,
                "Also write the report as one self-contained HTML page beside the JSON "
                "(report.html beside an eval.json); 'dign report' puts several side by side");
  add_machine_options(*cmd, o->machine);
  auto dist_timeout = std::make_shared<double>(300);
  add_dist_timeout_option(*cmd, *dist_timeout, "the evaluation (the ranks split the images)");
  auto quiet = std::make_shared<bool>(false);
  add_quiet_option(*cmd, *quiet);
  cmd->callback([&action, o, quiet, attack, kinds, settings, bootstrap, html, dist_timeout] {
    if (bootstrap->count() > 0 && o->eval.bootstrap < 1) {
      throw OptionError("bootstrap",
                        "expected at least 1 resample (1000 is the usual choice), got " +
                            std::to_string(o->eval.bootstrap));
    }
    for (auto* option : settings) {
      if (kinds->empty() && option->count() > 0) {
        throw OptionError("attack", option->get_name() + " needs --attack pgd (or pgd7-paper)");
      }
    }
    for (const auto& kind : *kinds) {
      eval::AttackOptions a = *attack;
      a.kind = kind;
      a.validate();
      o->attacks.push_back(a);
    }
    action = [o, quiet, html, dist_timeout] {
      // Under torchrun or dign launch: the ranks split the images; rank 0 writes the report.
      const auto group = join_world_from_environment(*dist_timeout);
      if (group) o->eval.shards = distributed::eval_shards(*group);
      const bool rank0 = !group || group->rank() == 0;
      auto progress = make_progress(*quiet || !rank0);
      const nlohmann::json report = eval::run_evaluation(*o, *progress);
      if (!rank0) return 0;
      if (*html) progress->message("wrote " + report::write_html_beside(report_path(*o), report));
      return 0;
    };
  });
}

}  // namespace dign::cli
