#pragma once
// Everything that defines a training run, with the paper's defaults
// (Section 4, Training Details). config.json is its serialisation: a run can
// be reproduced (and resumed) from it alone.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/machine_options.h"
#include "data/dataset.h"
#include "models/catalog.h"
#include "objectives/method.h"

namespace dign::run {

struct TrainOptions {
  data::DataOptions data;
  /// Run directory (config.json, log.jsonl, checkpoints, metrics.json).
  std::string out;
  /// Default: dign with the paper's settings (objectives/method.h).
  objectives::MethodConfig method;
  /// Architecture and its options. Default: ResNet-18 at width 64 (paper; models/catalog.h).
  models::ArchOptions model = models::ResNet18Options();
  /// Default: 150 epochs, batch 128 (paper).
  int64_t epochs = 150;
  int64_t batch_size = 128;
  /// SGD with Nesterov momentum 0.9, weight decay 5e-4, lr 0.1 divided by 10
  /// at epochs 50 and 100 (paper); milestones count completed epochs, as
  /// PyTorch's MultiStepLR stepped once per epoch.
  double lr = 0.1;
  double momentum = 0.9;
  bool nesterov = true;
  double weight_decay = 5e-4;
  std::vector<int64_t> lr_milestones = {50, 100};
  double lr_gamma = 0.1;
  /// Linear learning-rate warm-up over the first N epochs, per step (0 = none, the paper's).
  int64_t warmup_epochs = 0;
  /// Default: crop, flip, jitter 0.25, rotate 2 degrees (paper).
  std::string augment = "crop,flip,jitter,rotate";
  uint64_t seed = 0;
  /// Use only N images of a split (0 = all); see data::limit_per_class.
  int64_t train_limit = 0;
  int64_t test_limit = 0;
  /// Hold out N training images to select the best checkpoint (0 = select on
  /// the test set, as the paper does).
  int64_t val_split = 0;
  /// The preset the run started from (run/presets.h; "" = none) and the values it set, as
  /// apply_preset returns them: recorded in config.json, not applied again on resume.
  std::string preset;
  nlohmann::json preset_values = nlohmann::json::object();
  /// What picks the best checkpoint: "clean" accuracy on the selection split (the paper), or
  /// "robust" accuracy under PGD-20 at l_inf 8/255 with a random start on `select_limit`
  /// evenly spaced images of it (for adversarial training).
  std::string select_by = "clean";
  int64_t select_limit = 1000;
  /// Threads, device, precision, memory format (config.json keeps them as options of their
  /// own: "threads", "device", ...).
  MachineOptions machine;
  /// Threads preparing training batches (augmentation, the method's views); 0 = as many as
  /// the machine's threads. Results do not depend on it.
  int64_t loader_threads = 0;
  /// Images per batch when evaluating at the end of each epoch.
  int64_t eval_batch_size = 500;
  /// Also checkpoint every N optimizer steps (0 = only at epoch ends and on SIGINT/SIGTERM).
  int64_t checkpoint_every = 0;
  /// Step checkpoints kept in DIR/checkpoints (the best is kept apart). Default: 2.
  int64_t keep_last = 2;
  /// A NaN or Inf loss or gradient: "stop" (keep the last good checkpoint) or
  /// "skip" the batch and count it in the log.
  std::string on_nonfinite = "stop";
  /// Data-parallel runs (--sync-bn): BatchNorm's training statistics over every rank's batch
  /// (distributed/sync_batch_norm.h) instead of each rank's own, PyTorch DDP's default. Part
  /// of the run: a resume keeps it and every rank must agree. No effect in one process.
  bool sync_bn = false;

  void validate() const;
};

nlohmann::json to_json(const TrainOptions& options);
/// Options may come from an older config.json: fields added later take their defaults.
/// dign::Error naming `source` for a missing field or a wrong type (not validated: call
/// validate() for ranges).
TrainOptions train_options_from_json(const nlohmann::json& j,
                                     const std::string& source = "config.json");

}  // namespace dign::run
