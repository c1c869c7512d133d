#pragma once
// The learning-rate schedule of a run: the paper's step decay (lr divided by 10
// after the milestones), with an optional linear warm-up. A pure function of the
// position, so a resumed run needs no scheduler state. LibTorch-free.
#include <cstdint>

#include "run/train_options.h"

namespace dign::train {

/// Learning rate in `epoch` (0-based): lr * gamma^(milestones <= epoch); during the
/// warm-up epochs scaled by (steps done + 1) / (warm-up steps), given the batches per epoch.
double learning_rate_at(const run::TrainOptions& options, int64_t epoch, int64_t batch = 0,
                        int64_t batches_per_epoch = 1);

}  // namespace dign::train
