#include "data/sampler.h"

#include <numeric>

#include "core/error.h"
#include "core/rng.h"

namespace dign::data {

EpochSampler::EpochSampler(int64_t size, uint64_t seed, bool shuffle, int64_t rank, int64_t world)
    : size_(size), seed_(seed), shuffle_(shuffle), rank_(rank), world_(world) {
  DIGN_CHECK(size >= 0, "sampler: negative dataset size ", size);
  DIGN_CHECK(world >= 1 && rank >= 0 && rank < world, "sampler: rank ", rank,
             " is not in [0, world=", world, ")");
}

std::vector<int64_t> EpochSampler::order(int64_t epoch) const {
  std::vector<int64_t> all(size_);
  std::iota(all.begin(), all.end(), 0);
  if (shuffle_) {
    SampleRng rng(derive_seed(seed_, {purpose_tag("sampler"), static_cast<uint64_t>(epoch)}));
    for (int64_t i = size_ - 1; i > 0; --i) {  // Fisher-Yates
      std::swap(all[i], all[rng.below(static_cast<uint64_t>(i + 1))]);
    }
  }
  if (world_ == 1) return all;
  // Position p of the padded permutation is all[p % size]: the tail repeats the first entries
  // (DistributedSampler's padding), so every rank gets shard_size() indices.
  const int64_t shard = shard_size();
  std::vector<int64_t> mine;
  mine.reserve(static_cast<size_t>(shard));
  for (int64_t k = 0; k < shard; ++k) mine.push_back(all[(rank_ + k * world_) % size_]);
  return mine;
}

std::vector<int64_t> evenly_spaced(int64_t size, int64_t limit) {
  const int64_t n = limit <= 0 || limit >= size ? size : limit;
  std::vector<int64_t> indices(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) indices[static_cast<size_t>(k)] = k * size / n;
  return indices;
}

}  // namespace dign::data
