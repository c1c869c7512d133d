#pragma once
// Data parallelism by hand, as DDP does it without its Reducer (which Debian's headers cannot
// include): after backward, every rank's gradients are summed in flattened buckets and divided
// by the number of ranks, so every rank applies the same averaged step to the same parameters.
// The trainer calls it from its hooks (train/hooks.h: after_backward, agree_finite).
//
//   GradientSync sync(group, model->parameters(), /*bucket_bytes=*/25 << 20);
//   broadcast_from_root(*group, model->parameters(), model->buffers());   // once, at the start
//   loss.backward(); sync.average(); if (sync.all_finite(finite)) optimizer.step();
#include <torch/torch.h>

#include <memory>
#include <vector>

#include "distributed/process_group.h"

namespace dign::distributed {

class GradientSync {
 public:
  /// `bucket_bytes`: the most gradient bytes flattened into one all-reduce (a larger tensor
  /// gets a bucket of its own). Default of `dign train --bucket-mb`: 25 MiB, as DDP.
  GradientSync(std::shared_ptr<ProcessGroup> group, std::vector<torch::Tensor> parameters,
               int64_t bucket_bytes);

  /// Every parameter's gradient becomes the mean over ranks (an undefined gradient counts as
  /// zeros and becomes defined).
  void average();
  /// True on every rank when `finite` is true on every rank: ranks skip a step together.
  bool all_finite(bool finite);
  /// The largest of the ranks' signals (0 = none): ranks stop at the same step.
  int agree_stop(int signal);

  int64_t buckets() const { return static_cast<int64_t>(buckets_.size()); }
  /// Wall seconds spent in average() so far.
  double seconds() const { return seconds_; }

 private:
  std::shared_ptr<ProcessGroup> group_;
  std::vector<torch::Tensor> parameters_;
  std::vector<std::vector<size_t>> buckets_;  ///< indices into parameters_
  double seconds_ = 0;
};

/// Rank 0's values in every rank's `tensors` (parameters, then buffers), in place: every rank
/// starts from the same model. Flattened per dtype, so any memory format works.
void broadcast_from_root(ProcessGroup& group, const std::vector<torch::Tensor>& tensors);

}  // namespace dign::distributed
