#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "core/error.h"
#include "eval/temperature_calibration.h"

namespace dign::cli {

void add_calibrate_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "calibrate",
      "Fit a run's temperature (temperature scaling: softmax(logits / T), T minimising the NLL) "
      "on held-out images, never the test split, and store it in DIR/calibration.json (weights "
      "untouched); dign eval then reports calibration with and without it");
  auto o = std::make_shared<eval::CalibrateOptions>();
  cmd->add_option("--model", o->model_dir, "Run directory written by 'dign train'")->required();
  cmd->add_option("--checkpoint", o->checkpoint, "best|last|PATH")->capture_default_str();
  cmd->add_option("--data", o->data.path,
                  "The data the run trained on (its held-out split is drawn again from it and "
                  "checked against the run's record); the other data options are the run's")
      ->required();
  cmd->add_option("--format", o->data.format,
                  "auto|cifar-binary|imagefolder|tiny-imagenet|synthetic")
      ->capture_default_str();
  cmd->add_option("--split", o->split,
                  "auto: the run's --val-split images, else --calib-split N of its training "
                  "split; validation; train. test is refused")
      ->capture_default_str();
  auto* calib_split = cmd->add_option(
      "--calib-split", o->calib_split,
      "N held-out images: for a run trained without --val-split (required then), N images of "
      "its training split drawn per class as --val-split draws them -- images the model was "
      "trained on unless it was trained with the same hold-out (a warning says so); for a run "
      "with --val-split, N of its validation images (default all)");
  cmd->add_option("--bins", o->bins, "Calibration bins of the ECE before and after")
      ->capture_default_str();
  cmd->add_option("--batch-size", o->batch_size, "Images per forward pass")->capture_default_str();
  cmd->add_option("--out", o->out,
                  "Record FILE.json (written atomically); default DIR/calibration.json, the file "
                  "dign eval reads");
  add_machine_options(*cmd, o->machine);
  auto quiet = std::make_shared<bool>(false);
  add_quiet_option(*cmd, *quiet);
  cmd->callback([&action, o, quiet, calib_split] {
    if (calib_split->count() > 0 && o->calib_split < 1) {
      throw OptionError("calib_split",
                        "expected at least 1 image, got " + std::to_string(o->calib_split));
    }
    action = [o, quiet] {
      eval::run_calibration(*o, *make_progress(*quiet));
      return 0;
    };
  });
}

}  // namespace dign::cli
