#pragma once
// The short training recipe on the built-in synthetic data that `dign demo`
// runs and the end-to-end robustness test checks: standard and dign under the
// same seed and budget (about a minute each on 2 cores).
//
//   SyntheticRecipe recipe;
//   recipe.epochs = 2;
//   run::TrainOptions o = recipe.options("dign", "runs/a");   // for run_training (trainer.h)
#include <cstdint>
#include <string>

#include "run/train_options.h"

namespace dign::train {

struct SyntheticRecipe {
  int64_t epochs = 4;
  int64_t width = 8;
  int64_t train_images = 3000;
  int64_t test_images = 500;
  int64_t batch_size = 64;
  /// Without a warm-up, about a third of the seeds sat at chance for an epoch or more (at lr
  /// 0.01 to 0.1); one warm-up epoch removed that on every seed tried.
  double lr = 0.05;
  int64_t warmup_epochs = 1;
  uint64_t seed = 0;

  /// Training options of `method` writing to `out` (machine settings left at their defaults).
  run::TrainOptions options(const std::string& method, const std::string& out) const;
};

}  // namespace dign::train
