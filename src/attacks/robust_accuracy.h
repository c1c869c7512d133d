#pragma once
// Robust accuracy under PGD over a set of images: what `dign eval --attack` reports and what
// `dign train --select-by robust` selects the best checkpoint by. BatchNorm in eval mode; an
// image counts as robust only if the model classifies every restart's adversarial image
// correctly. Random starts are drawn per image from (seed, purpose, restart, image index), so
// the figure depends neither on the batch size nor on the other images.
//
//   auto meter = attacks::robust_accuracy(model, test, data::evenly_spaced(test.size(), 1000),
//                                         settings, RobustAccuracyOptions().seed(0));
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "attacks/pgd.h"
#include "core/arg.h"
#include "core/machine.h"
#include "data/image_set.h"
#include "metrics/accuracy.h"
#include "models/classifier.h"

namespace dign::attacks {

struct RobustAccuracyOptions {
  /// Attacks restarted from fresh random starts (a zero start is not restarted).
  DIGN_ARG(int64_t, restarts) = 1;
  /// Seeds the per-image random starts, with `purpose`.
  DIGN_ARG(uint64_t, seed) = 0;
  DIGN_ARG(std::string, purpose) = "eval-pgd-start";
  DIGN_ARG(int64_t, batch_size) = 500;
  DIGN_ARG(torch::Device, device) = torch::kCPU;
  DIGN_ARG(Precision, precision) = Precision::kFp32;
  /// Called after each batch with the images done so far.
  DIGN_ARG(std::function<void(int64_t)>, on_batch) = nullptr;
};

/// The robust accuracy of `model` on images `indices` of `set` under `settings`. Leaves the
/// model in eval mode.
metrics::AccuracyMeter robust_accuracy(models::ClassifierImpl& model, const data::ImageSet& set,
                                       const std::vector<int64_t>& indices,
                                       const PgdSettings& settings,
                                       const RobustAccuracyOptions& options);

}  // namespace dign::attacks
