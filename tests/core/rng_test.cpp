#include "core/rng.h"

#include <gtest/gtest.h>

#include <set>

namespace dign {
namespace {

TEST(DeriveSeed, DependsOnEveryPartAndTheirOrder) {
  std::set<uint64_t> seen;
  for (uint64_t seed : {0ULL, 1ULL}) {
    for (uint64_t a = 0; a < 4; ++a) {
      for (uint64_t b = 0; b < 4; ++b) seen.insert(derive_seed(seed, {a, b}));
    }
  }
  EXPECT_EQ(seen.size(), 32u);
  EXPECT_NE(derive_seed(0, {1, 2}), derive_seed(0, {2, 1}));
  EXPECT_EQ(derive_seed(7, {3, 4}), derive_seed(7, {3, 4}));
}

TEST(SplitMix64, KnownOutputs) {
  // Vigna's splitmix64.c from state 0: the stream begins e220a8397b1dcdaf, 6e789e6aa1b965f4,
  // 06c45d188009454f, f88bb8a8724c81ec.
  SampleRng rng(0);
  EXPECT_EQ(rng.next(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(rng.next(), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(rng.next(), 0x06c45d188009454fULL);
  EXPECT_EQ(rng.next(), 0xf88bb8a8724c81ecULL);
  // The finaliser alone, and mix64 = finaliser(z + golden gamma).
  EXPECT_EQ(splitmix64_finalizer(0x9e3779b97f4a7c15ULL), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(splitmix64_finalizer(0), 0u);
  EXPECT_EQ(splitmix64_finalizer(1), 0x5692161d100b05e5ULL);
  EXPECT_EQ(mix64(0), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(mix64(0x9e3779b97f4a7c15ULL), 0x6e789e6aa1b965f4ULL);
}

TEST(PurposeTag, IsFnv1a) {
  // FNV-1a 64 of "a": (0xcbf29ce484222325 ^ 0x61) * 0x100000001b3 mod 2^64.
  EXPECT_EQ(purpose_tag("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(purpose_tag(""), 0xcbf29ce484222325ULL);
}

TEST(SampleRng, UniformBelowAndNormalHaveTheRightMoments) {
  SampleRng rng(42);
  const int n = 200000;
  double sum = 0, sum_sq = 0, nsum = 0, nsum_sq = 0;
  std::vector<int> counts(5, 0);
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum_sq += u * u;
    const uint64_t k = rng.below(5);
    ASSERT_LT(k, 5u);
    ++counts[k];
    const double z = rng.normal();
    nsum += z;
    nsum_sq += z * z;
  }
  // Uniform: mean 1/2, variance 1/12; standard errors ~0.0007 and ~0.0002.
  EXPECT_NEAR(sum / n, 0.5, 0.005);
  EXPECT_NEAR(sum_sq / n - 0.25, 1.0 / 12, 0.002);
  for (int c : counts) EXPECT_NEAR(c / double(n), 0.2, 0.005);
  EXPECT_NEAR(nsum / n, 0.0, 0.01);
  EXPECT_NEAR(nsum_sq / n, 1.0, 0.015);
}

TEST(SampleRng, SameSeedSameStream) {
  SampleRng a(9), b(9), c(10);
  for (int i = 0; i < 10; ++i) {
    const uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    EXPECT_NE(x, c.next());
  }
}

}  // namespace
}  // namespace dign
