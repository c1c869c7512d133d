#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "train/trainer.h"

namespace dign::cli {

void add_train_command(CLI::App& app, Action& action) {
  auto* cmd =
      app.add_subcommand("train", "Train a classifier (default: DiGN, the paper's setting)");
  auto o = std::make_shared<train::TrainOptions>();
  auto augment = std::make_shared<std::string>(o->augment.to_list());
  auto sigma_max = std::make_shared<double>(o->method.dign.sigma_max());
  auto lambda = std::make_shared<double>(o->method.dign.lambda());
  auto samples = std::make_shared<int64_t>(o->method.dign.samples());
  auto sigma = std::make_shared<double>(o->method.rse.sigma());
  auto ensemble = std::make_shared<int64_t>(o->method.rse.ensemble());
  auto quiet = std::make_shared<bool>(false);

  add_data_options(*cmd, o->data, /*required=*/true);
  cmd->add_option("--out", o->out, "Run directory to create")->required();
  cmd->add_option("--method", o->method.method, "standard|dign|gn|rse")->capture_default_str();
  cmd->add_option("--arch", o->arch, "Architecture")->capture_default_str();
  cmd->add_option("--width", o->width, "Width of the first stage (64 = paper)")
      ->capture_default_str();
  cmd->add_option("--epochs", o->epochs, "Training epochs")->capture_default_str();
  cmd->add_option("--batch-size", o->batch_size, "Images per batch")->capture_default_str();
  cmd->add_option("--lr", o->lr, "Initial learning rate")->capture_default_str();
  cmd->add_option(
         "--lr-milestones", o->lr_milestones,
         "Epochs after which the learning rate is multiplied by --lr-gamma (comma-separated)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--lr-gamma", o->lr_gamma, "Learning-rate decay factor")->capture_default_str();
  cmd->add_option("--momentum", o->momentum, "SGD momentum")->capture_default_str();
  cmd->add_option("--weight-decay", o->weight_decay, "L2 weight decay")->capture_default_str();
  cmd->add_flag("--nesterov,!--no-nesterov", o->nesterov, "Nesterov momentum (default on)");
  cmd->add_option("--augment", *augment,
                  "Comma-separated subset of crop,flip,jitter,rotate, or none")
      ->capture_default_str();
  cmd->add_option("--lambda", *lambda, "DiGN: weight of the KL consistency term")
      ->capture_default_str();
  cmd->add_option("--sigma-max", *sigma_max, "DiGN, GN: noise levels drawn from U(0, sigma_max)")
      ->capture_default_str();
  cmd->add_option("--samples", *samples, "DiGN: noisy views per example (n)")
      ->capture_default_str();
  cmd->add_option("--sigma", *sigma, "RSE: fixed training noise level")->capture_default_str();
  cmd->add_option("--ensemble", *ensemble, "RSE: test-time ensemble size recorded with the model")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed of every random draw of the run")->capture_default_str();
  cmd->add_option("--train-limit", o->train_limit, "Use N training images (0 = all)");
  cmd->add_option("--test-limit", o->test_limit, "Use N test images (0 = all)");
  cmd->add_option("--val-split", o->val_split,
                  "Hold out N training images to select the best checkpoint (0 = test set, as "
                  "the paper)");
  cmd->add_option("--eval-batch-size", o->eval_batch_size, "Images per batch when evaluating")
      ->capture_default_str();
  add_machine_options(*cmd, o->threads, o->device, o->precision);
  cmd->add_flag("--quiet", *quiet, "No progress output");

  cmd->callback([&action, o, augment, sigma_max, lambda, samples, sigma, ensemble, quiet] {
    action = [o, augment, sigma_max, lambda, samples, sigma, ensemble, quiet] {
      o->augment = data::parse_augment_list(*augment);
      o->method.dign.lambda(*lambda).sigma_max(*sigma_max).samples(*samples);
      o->method.gn.sigma_max(*sigma_max);
      o->method.rse.sigma(*sigma).ensemble(*ensemble);
      o->progress = !*quiet;
      const auto summary = train::run_training(*o, std::cout);
      std::cout << "best " << summary.selection_set << " accuracy " << summary.best_accuracy
                << " at epoch " << summary.best_epoch << "; run written to " << o->out << "\n";
      return 0;
    };
  });
}

}  // namespace dign::cli
