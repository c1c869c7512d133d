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

TEST(EpochSampler, ShardsPartitionTheEpoch) {
  const auto whole = EpochSampler(10, 1, true).order(2);
  const auto r0 = EpochSampler(10, 1, true, 0, 3).order(2);
  const auto r1 = EpochSampler(10, 1, true, 1, 3).order(2);
  const auto r2 = EpochSampler(10, 1, true, 2, 3).order(2);
  EXPECT_EQ(r0.size() + r1.size() + r2.size(), 10u);
  EXPECT_EQ(r0, (std::vector<int64_t>{whole[0], whole[3], whole[6], whole[9]}));
  EXPECT_EQ(r1, (std::vector<int64_t>{whole[1], whole[4], whole[7]}));
  EXPECT_THROW(EpochSampler(10, 1, true, 3, 3), dign::Error);
}

}  // namespace
}  // namespace dign::data
