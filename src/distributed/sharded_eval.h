#pragma once
// Evaluation split over the ranks of a data-parallel group (`dign eval` under torchrun or
// `dign launch`). Every rank walks the same batches; within each batch rank r scores the images
// at positions r, r + size, r + 2 size, ... (strided, so the shards differ by at most one
// image), and the per-image results (confidence, predicted class, ...) are all-gathered back
// into batch order. Every rank then feeds its meters exactly as one process would, in the same
// image order: the report equals the single-process one (per-image draws are keyed by image
// index, not by rank). Attacks, the costly part, shard their chosen images the same way and
// add up their counts.
//
//   eval_options.shards = distributed::eval_shards(*group);   // null: one process
//   ... inside a scoring loop (eval/evaluator.cpp):
//   const auto rows = shard_positions(batch, *shards);        // this rank's rows
//   torch::Tensor all = gather_rows(local_results, batch, *shards);   // [batch, k]
//
// LibTorch only (no c10d in this header): tests fake the collectives with threads.
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "metrics/accuracy.h"

namespace dign::distributed {

class ProcessGroup;

struct EvalShards {
  int rank = 0;
  int size = 1;
  /// Every rank's tensor (same shape and dtype everywhere), indexed by rank.
  std::function<std::vector<torch::Tensor>(const torch::Tensor&)> all_gather;
  /// In place: the sum over ranks.
  std::function<void(torch::Tensor&)> all_reduce_sum;
};

/// Whether this process writes the outputs (report, predictions, figures): rank 0, or the
/// only process (null).
inline bool writes_outputs(const EvalShards* shards) {
  return shards == nullptr || shards->rank == 0;
}

/// Shards over `group` (which must outlive the evaluation).
std::shared_ptr<const EvalShards> eval_shards(ProcessGroup& group);

/// The positions in [0, n) this rank takes: rank, rank + size, ...
std::vector<int64_t> shard_positions(int64_t n, const EvalShards& shards);

/// The elements of `items` at shard_positions(items.size()).
std::vector<int64_t> shard_of(const std::vector<int64_t>& items, const EvalShards& shards);

/// local [shard_positions(n).size(), ...] (every rank's rows of a batch of n) -> [n, ...] in
/// batch order, on every rank. Collective: every rank calls it with the same n.
torch::Tensor gather_rows(const torch::Tensor& local, int64_t n, const EvalShards& shards);

/// The meter over every rank's images (counts summed exactly). Collective.
metrics::AccuracyMeter sum_over_ranks(const metrics::AccuracyMeter& local,
                                      const EvalShards& shards);

}  // namespace dign::distributed
