#pragma once
// The order in which a split is visited in each epoch: a pure function of
// (seed, epoch), so a resumed run sees the same order, and shardable across
// data-parallel workers.
//
// Sharding (world > 1) follows PyTorch's DistributedSampler: the epoch's permutation is
// padded to world * ceil(size / world) positions by repeating its first entries, and rank
// r takes positions r, r + world, r + 2 * world, ... So every rank visits exactly
// ceil(size / world) indices (equal batch counts: no rank waits forever in a collective),
// every index is visited at least once, and the padding adds at most world - 1 positions.
// world == 1 is the permutation itself, unpadded.
//
//   EpochSampler sampler(10, seed, /*shuffle=*/true, /*rank=*/1, /*world=*/3);
//   auto mine = sampler.order(epoch);  // permutation positions 1, 4, 7 and (padding) 0
#include <cstdint>
#include <vector>

namespace dign::data {

class EpochSampler {
 public:
  EpochSampler(int64_t size, uint64_t seed, bool shuffle, int64_t rank = 0, int64_t world = 1);
  /// The indices this rank visits in `epoch`, in order: shard_size() of them.
  std::vector<int64_t> order(int64_t epoch) const;
  /// The dataset's size (all ranks together, without padding).
  int64_t size() const { return size_; }
  /// ceil(size / world): the length of every rank's order.
  int64_t shard_size() const { return (size_ + world_ - 1) / world_; }

 private:
  int64_t size_;
  uint64_t seed_;
  bool shuffle_;
  int64_t rank_, world_;
};

/// Indices of `limit` images evenly spaced over `size`, k * size / limit (all of them for
/// limit 0 or >= size): the attacked subset of `dign eval --attack-limit`.
std::vector<int64_t> evenly_spaced(int64_t size, int64_t limit);

}  // namespace dign::data
