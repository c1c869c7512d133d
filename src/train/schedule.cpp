#include "train/schedule.h"

namespace dign::train {

double learning_rate_at(const run::TrainOptions& o, int64_t epoch, int64_t batch,
                        int64_t batches_per_epoch) {
  double lr = o.lr;
  for (int64_t m : o.lr_milestones) {
    if (epoch >= m) lr *= o.lr_gamma;
  }
  if (epoch < o.warmup_epochs) {
    const int64_t warmup_steps = o.warmup_epochs * batches_per_epoch;
    lr *= static_cast<double>(epoch * batches_per_epoch + batch + 1) /
          static_cast<double>(warmup_steps);
  }
  return lr;
}

}  // namespace dign::train
