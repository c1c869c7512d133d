#include "data/sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "core/error.h"

namespace dign::data {
namespace {

TEST(EpochSampler, EachEpochIsAPermutationThatDependsOnSeedAndEpoch) {
  EpochSampler sampler(100, /*seed=*/3, /*shuffle=*/true);
  auto a = sampler.order(0);
  auto b = sampler.order(1);
  EXPECT_EQ(a, sampler.order(0));
  EXPECT_NE(a, b);
  EXPECT_NE(a, EpochSampler(100, 4, true).order(0));
  std::vector<int64_t> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> expected(100);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(sorted, expected);
}

TEST(EpochSampler, WithoutShuffleIsTheIdentity) {
  EpochSampler sampler(5, 0, false);
  EXPECT_EQ(sampler.order(7), (std::vector<int64_t>{0, 1, 2, 3, 4}));
}

TEST(EpochSampler, ShardsHaveEqualLengthsAndCoverTheEpoch) {
  // size 10, world 3: ceil(10 / 3) = 4 each. The epoch's permutation (OneWorkerIs...) is
  // 9 7 0 4 8 3 6 1 5 2; padded with its first two entries it is 9 7 0 4 8 3 6 1 5 2 | 9 7,
  // and rank r takes positions r, r + 3, r + 6, r + 9.
  std::vector<std::vector<int64_t>> shards;
  for (int64_t rank = 0; rank < 3; ++rank) {
    const EpochSampler sampler(10, 1, true, rank, 3);
    EXPECT_EQ(sampler.shard_size(), 4);
    shards.push_back(sampler.order(2));
  }
  EXPECT_EQ(shards[0], (std::vector<int64_t>{9, 4, 6, 2}));
  EXPECT_EQ(shards[1], (std::vector<int64_t>{7, 8, 1, 9}));  // 9: padding, position 0
  EXPECT_EQ(shards[2], (std::vector<int64_t>{0, 3, 5, 7}));  // 7: padding, position 1
  EXPECT_THROW(EpochSampler(10, 1, true, 3, 3), dign::Error);

  // Over sizes and worlds (including world > size): equal lengths, every index visited, and
  // the extra visits are exactly the permutation's first world * shard - size entries.
  for (int64_t size : {0, 1, 2, 7, 12, 13}) {
    for (int64_t world : {1, 2, 3, 5, 16}) {
      const auto all = EpochSampler(size, 9, true).order(4);
      const int64_t shard = (size + world - 1) / world;
      std::vector<int64_t> visits(static_cast<size_t>(size), 0);
      for (int64_t rank = 0; rank < world; ++rank) {
        const auto mine = EpochSampler(size, 9, true, rank, world).order(4);
        ASSERT_EQ(static_cast<int64_t>(mine.size()), shard) << size << " / " << world;
        for (int64_t i : mine) ++visits[static_cast<size_t>(i)];
      }
      std::vector<int64_t> expected(static_cast<size_t>(size), 1);
      for (int64_t p = size; p < world * shard; ++p) {
        ++expected[static_cast<size_t>(all[static_cast<size_t>(p % size)])];
      }
      EXPECT_EQ(visits, expected) << size << " / " << world;
    }
  }
}

TEST(EpochSampler, OneWorkerIsThePermutationUnpadded) {
  // world 1 is the training order of existing runs: the whole permutation, nothing repeated.
  // The expectation was printed by the sampler before sharding was padded.
  const auto a = EpochSampler(10, 1, true).order(2);
  EXPECT_EQ(a, (std::vector<int64_t>{9, 7, 0, 4, 8, 3, 6, 1, 5, 2}));
  EXPECT_EQ(a, EpochSampler(10, 1, true, 0, 1).order(2));
  EXPECT_EQ(EpochSampler(10, 1, true).shard_size(), 10);
}

}  // namespace
}  // namespace dign::data
