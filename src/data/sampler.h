#pragma once
// The order in which a split is visited in each epoch: a pure function of
// (seed, epoch), so a resumed run sees the same order, and shardable across
// data-parallel workers (rank r of w takes every w-th position).
#include <cstdint>
#include <vector>

namespace dign::data {

class EpochSampler {
 public:
  EpochSampler(int64_t size, uint64_t seed, bool shuffle, int64_t rank = 0, int64_t world = 1);
  /// The indices this rank visits in `epoch`, in order.
  std::vector<int64_t> order(int64_t epoch) const;
  int64_t size() const { return size_; }

 private:
  int64_t size_;
  uint64_t seed_;
  bool shuffle_;
  int64_t rank_, world_;
};

}  // namespace dign::data
