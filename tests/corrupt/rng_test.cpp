#include "corrupt/rng.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include "core/error.h"

namespace dign::corrupt {
namespace {

TEST(CorruptRngCanonical, KnownAnswers) {
  EXPECT_EQ(rng_detail::canonical(0), 0.0);
  EXPECT_EQ(rng_detail::canonical(1ULL << 63), 0.5);
  EXPECT_EQ(rng_detail::canonical(1), 0x1.0p-64);
  // 2^64 - 2^11 is exactly 1 - 2^-53; from 2^64 - 2^10 on, x / 2^64 rounds to 1.0, and the
  // largest double below 1 comes back instead.
  EXPECT_EQ(rng_detail::canonical(~0ULL - 2047), 0x1.fffffffffffffp-1);
  EXPECT_EQ(rng_detail::canonical(~0ULL - 1024), 0x1.fffffffffffffp-1);  // rounds down
  EXPECT_EQ(rng_detail::canonical(~0ULL - 1023), 0x1.fffffffffffffp-1);  // rounds to 1.0
  EXPECT_EQ(rng_detail::canonical(~0ULL), 0x1.fffffffffffffp-1);
  // The standard's value of mt19937_64's first output at its default seed 5489 is
  // 14514284786278117030; the uniform is that over 2^64 (0.786820...).
  Rng rng(5489);
  EXPECT_EQ(rng.uniform(), static_cast<double>(14514284786278117030ULL) * 0x1.0p-64);
  EXPECT_NEAR(Rng(5489).uniform(), 0.786820, 1e-6);
}

TEST(CorruptRngInteger, RejectsAnEmptyRangeAndCoversTheFullOne) {
  Rng rng(3);
  EXPECT_THROW(rng.integer(4, 4), Error);
  EXPECT_THROW(rng.integer(5, 4), Error);
  EXPECT_EQ(rng.integer(7, 8), 7);
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  bool negative = false, positive = false;
  for (int i = 0; i < 64; ++i) {
    const int64_t k = rng.integer(lo, hi);
    EXPECT_LT(k, hi);
    (k < 0 ? negative : positive) = true;
  }
  EXPECT_TRUE(negative && positive);
}

TEST(CorruptRngInteger, IsUniformOverAnOddRange) {
  // [-3, 4): 7 values, 70000 draws, 10000 expected each (sd ~93).
  Rng rng(17);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) {
    const int64_t k = rng.integer(-3, 4);
    ASSERT_GE(k, -3);
    ASSERT_LT(k, 4);
    ++counts[static_cast<size_t>(k + 3)];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
}

TEST(CorruptRngNormal, HasTheRightMoments) {
  Rng rng(8);
  const int n = 200000;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal(2.0, 0.5);
    sum += z;
    sum_sq += (z - 2.0) * (z - 2.0);
  }
  // Standard errors: 0.5 / sqrt(n) ~ 0.0011 for the mean, 0.25 sqrt(2 / n) ~ 0.0008 for the
  // variance.
  EXPECT_NEAR(sum / n, 2.0, 0.006);
  EXPECT_NEAR(sum_sq / n, 0.25, 0.004);
}

TEST(CorruptRngPoisson, NoDrawForAMeanOfZeroNegativeOrNaN) {
  Rng rng(4), fresh(4);
  EXPECT_EQ(rng.poisson(0.0), 0);
  EXPECT_EQ(rng.poisson(-2.5), 0);
  EXPECT_EQ(rng.poisson(std::nan("")), 0);
  EXPECT_EQ(rng.uniform(), fresh.uniform());  // the engine did not move
  EXPECT_THROW(rng.poisson(std::numeric_limits<double>::infinity()), Error);
  EXPECT_THROW(rng.poisson(2e9), Error);
}

TEST(CorruptRngPoisson, KnownDraws) {
  // shot_noise's bytes rest on these. Checked against a separate Python implementation of
  // mt19937_64 (the standard's recurrence), inversion and PTRS as the papers state them.
  Rng rng(2024);
  for (int64_t k : {3, 4, 2, 2, 0, 1}) EXPECT_EQ(rng.poisson(3.0), k);         // inversion
  for (int64_t k : {52, 35, 41, 52, 26, 37}) EXPECT_EQ(rng.poisson(40.0), k);  // PTRS
}

TEST(CorruptRngPoisson, LogFactorialMatchesLgamma) {
  // log(10!) = log(3628800).
  EXPECT_NEAR(rng_detail::log_factorial(10), 15.104412573075516, 1e-14);
  EXPECT_EQ(rng_detail::log_factorial(0), 0.0);
  EXPECT_EQ(rng_detail::log_factorial(1), 0.0);
  for (int64_t k : {2, 7, 15, 16, 17, 29, 30, 31, 50, 99, 1000, 123456, 1000000000}) {
    const double expected = std::lgamma(static_cast<double>(k) + 1);
    EXPECT_NEAR(rng_detail::log_factorial(k), expected, 1e-15 * expected) << k;  // ~ 5 ulp
  }
}

// Pearson's chi-square of `counts` (the last one holding the tail) against Poisson(mean),
// neighbouring cells pooled until each expects >= 20. Returns {statistic, degrees of freedom}.
std::pair<double, int> chi_square(const std::vector<int64_t>& counts, int64_t n, double mean) {
  std::vector<std::pair<double, double>> cells;  // (observed, expected)
  double observed = 0, expected = 0, covered = 0;
  for (size_t k = 0; k < counts.size(); ++k) {
    const double kd = static_cast<double>(k);
    const double p = std::exp(kd * std::log(mean) - mean - std::lgamma(kd + 1));
    covered += p;
    expected += (k + 1 == counts.size() ? 1 - covered + p : p) * static_cast<double>(n);
    observed += static_cast<double>(counts[k]);
    if (expected >= 20) {
      cells.emplace_back(observed, expected);
      observed = expected = 0;
    }
  }
  cells.back().first += observed;  // a short last cell joins the one before
  cells.back().second += expected;
  double statistic = 0;
  for (const auto& [o, e] : cells) statistic += (o - e) * (o - e) / e;
  return {statistic, static_cast<int>(cells.size()) - 1};
}

// The chi-square quantile with upper tail ~1e-6 (Wilson-Hilferty, z = 4.75).
double chi_square_limit(int df) {
  const double v = 2.0 / (9.0 * df);
  return df * std::pow(1 - v + 4.75 * std::sqrt(v), 3);
}

TEST(CorruptRngPoisson, MomentsAndChiSquareAgainstTheExactPmf) {
  // Both samplers (inversion below 10, PTRS from 10) and the switch between them.
  const int64_t n = 200000;
  for (double mean : {0.5, 3.0, 9.99, 10.0, 11.9, 12.0, 25.0, 60.0, 1000.0}) {
    Rng rng(static_cast<uint64_t>(mean * 100));
    const auto cap = static_cast<size_t>(mean + 12 * std::sqrt(mean) + 20);
    std::vector<int64_t> counts(cap, 0);
    double sum = 0, sum_sq = 0;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t k = rng.poisson(mean);
      ASSERT_GE(k, 0);
      sum += static_cast<double>(k);
      sum_sq += static_cast<double>(k) * static_cast<double>(k);
      ++counts[std::min(static_cast<size_t>(k), cap - 1)];  // the top cell holds the tail
    }
    // Mean and variance are both `mean`; five standard errors: sqrt(mean / n) and
    // sqrt((mean + 2 mean^2) / n) (the fourth central moment is mean + 3 mean^2).
    const double m = sum / n;
    const double var = sum_sq / n - m * m;
    const double dn = static_cast<double>(n);
    EXPECT_NEAR(m, mean, 5 * std::sqrt(mean / dn)) << mean;
    EXPECT_NEAR(var, mean, 5 * std::sqrt((mean + 2 * mean * mean) / dn)) << mean;
    const auto [statistic, df] = chi_square(counts, n, mean);
    EXPECT_LT(statistic, chi_square_limit(df)) << "mean " << mean << " df " << df;
    // The same counts against a mean 5% off fail: the check has the power to see that.
    const auto [off, off_df] = chi_square(counts, n, mean * 1.05);
    EXPECT_GT(off, chi_square_limit(off_df)) << "mean " << mean;
  }
}

#ifdef __GLIBCXX__
// The algorithms above give, draw for draw, what libstdc++'s distributions gave (a fresh
// distribution per call, as dign's Rng constructed them), so the corruptions that draw only
// uniforms, normals and integers kept their bytes. Both engines must stay in step, too.

uint64_t bits_of(double x) {
  uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// A generator that returns one fixed word, to reach canonical()'s edge cases.
struct FixedWord {
  using result_type = uint64_t;
  static constexpr uint64_t min() { return 0; }
  static constexpr uint64_t max() { return std::numeric_limits<uint64_t>::max(); }
  uint64_t word;
  uint64_t operator()() const { return word; }
};

const uint64_t kSeeds[] = {0, 1, 42, 5489, 0x9e3779b97f4a7c15ULL};

TEST(CorruptRngLibstdcxx, CanonicalEqualsGenerateCanonicalAtTheEdges) {
  for (uint64_t word : {0ULL, 1ULL, 2047ULL, 1ULL << 63, ~0ULL - 2048, ~0ULL - 2047, ~0ULL - 1025,
                        ~0ULL - 1024, ~0ULL - 1023, ~0ULL - 1, ~0ULL, 0x123456789abcdefULL}) {
    FixedWord g{word};
    EXPECT_EQ(bits_of(rng_detail::canonical(word)), bits_of(std::generate_canonical<double, 53>(g)))
        << word;
  }
}

TEST(CorruptRngLibstdcxx, UniformEqualsUniformRealDistribution) {
  const double ranges[][2] = {{0, 1}, {-45, 45}, {-135, -45}, {120, 255}, {-1e-3, 2e6}};
  for (uint64_t seed : kSeeds) {
    Rng rng(seed);
    std::mt19937_64 engine(seed);
    for (int i = 0; i < 20000; ++i) {
      const auto& r = ranges[i % 5];
      const double ours = rng.uniform(r[0], r[1]);
      const double theirs = std::uniform_real_distribution<double>(r[0], r[1])(engine);
      ASSERT_EQ(bits_of(ours), bits_of(theirs)) << "seed " << seed << " draw " << i;
    }
  }
}

TEST(CorruptRngLibstdcxx, NormalEqualsNormalDistribution) {
  const double params[][2] = {{0, 1}, {0, 0.08}, {0.1, 0.3}, {-7, 1e3}, {0.45, 0.25}};
  for (uint64_t seed : kSeeds) {
    Rng rng(seed);
    std::mt19937_64 engine(seed);
    for (int i = 0; i < 20000; ++i) {
      const auto& p = params[i % 5];
      const double ours = rng.normal(p[0], p[1]);
      const double theirs = std::normal_distribution<double>(p[0], p[1])(engine);
      ASSERT_EQ(bits_of(ours), bits_of(theirs)) << "seed " << seed << " draw " << i;
    }
  }
}

TEST(CorruptRngLibstdcxx, IntegerEqualsUniformIntDistribution) {
  // Small ranges as the corruptions use them; ranges just above 2^63 reject about half of the
  // words, so the rejection loop runs often.
  const int64_t lo_min = std::numeric_limits<int64_t>::min();
  const int64_t hi_max = std::numeric_limits<int64_t>::max();
  const int64_t ranges[][2] = {
      {0, 5},      {-3, 3},      {0, 1},          {0, 33}, {-1, (1LL << 32) + 1},
      {lo_min, 1}, {-2, hi_max}, {lo_min, hi_max}};
  for (uint64_t seed : kSeeds) {
    Rng rng(seed);
    std::mt19937_64 engine(seed);
    for (int i = 0; i < 20000; ++i) {
      const auto& r = ranges[i % 8];
      const int64_t ours = rng.integer(r[0], r[1]);
      const int64_t theirs = std::uniform_int_distribution<int64_t>(r[0], r[1] - 1)(engine);
      ASSERT_EQ(ours, theirs) << "seed " << seed << " draw " << i << " range " << i % 8;
    }
  }
}

TEST(CorruptRngLibstdcxx, MixedDrawsStayInStep) {
  // As a corruption draws: kinds interleaved, each from the same engine.
  for (uint64_t seed : kSeeds) {
    Rng rng(seed);
    std::mt19937_64 engine(seed);
    for (int i = 0; i < 10000; ++i) {
      switch (i % 3) {
        case 0:
          ASSERT_EQ(bits_of(rng.uniform(-2, 2)),
                    bits_of(std::uniform_real_distribution<double>(-2, 2)(engine)));
          break;
        case 1:
          ASSERT_EQ(bits_of(rng.normal(0.5, 0.3)),
                    bits_of(std::normal_distribution<double>(0.5, 0.3)(engine)));
          break;
        default:
          ASSERT_EQ(rng.integer(-4, 4), std::uniform_int_distribution<int64_t>(-4, 3)(engine));
      }
    }
    EXPECT_EQ(bits_of(rng.uniform()), bits_of(std::generate_canonical<double, 53>(engine)));
  }
}
#endif  // __GLIBCXX__

}  // namespace
}  // namespace dign::corrupt
