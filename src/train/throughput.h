#pragma once
// `dign bench train`: the training step's speed on random data, with the model,
// objective and optimizer `dign train` would build. Data loading is left out (the
// loader has its own benchmark), so the figure is the model's and the objective's.
//
//   ThroughputOptions o;  // ResNet-18 width 64, DiGN n = 3, batch 128
//   nlohmann::json r = measure_training_throughput(o, progress);
//   r["images_per_second"];
#include <nlohmann/json.hpp>

#include <string>

#include "core/machine_options.h"
#include "core/progress.h"
#include "models/catalog.h"
#include "objectives/method.h"

namespace dign::train {

struct ThroughputOptions {
  objectives::MethodConfig method;
  models::ArchOptions model = models::ResNet18Options();
  int64_t batch_size = 128;
  int64_t image_size = 32;
  int64_t num_classes = 10;
  /// Timed steps, after `warmup_iters` untimed ones (allocator and oneDNN caches settle).
  int64_t iters = 20;
  int64_t warmup_iters = 3;
  MachineOptions machine;
  uint64_t seed = 0;
  void validate() const;
};

/// Times the steps and returns a record: the resolved configuration, the CPU, each step's
/// seconds, images/s (training examples, however many views the method makes), the
/// step's FLOP estimate and rate, and peak resident memory.
nlohmann::json measure_training_throughput(const ThroughputOptions& options, Progress& progress);

}  // namespace dign::train
