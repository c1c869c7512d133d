#pragma once
// The random source of the corruptions. std::mt19937_64's output is fixed by the C++ standard,
// but the std distributions' algorithms are not: libc++ and libstdc++ turn the same engine
// output into different numbers. So every draw here is dign's own code, from published
// algorithms, and a seed gives the same CIFAR-10-C bytes under either library (ctest
// corrupt_rng_libcxx). Where a published algorithm gives exactly what libstdc++ gave (uniform,
// normal, integer), it is the one used, so those corruptions kept their bytes.
// Free of OpenCV and LibTorch, so that the digest test can build it alone against libc++.
// The draws still depend on the C library's log, exp and sqrt, and on no multiply-add being
// fused (x86-64's baseline has no FMA; -march=native or arm64 would change the normals).
//
//   Rng rng(image_seed(seed, "shot_noise", severity, index));
//   const double z = rng.normal(0.0, 0.08);
#include <cmath>
#include <cstdint>
#include <random>

#include "core/error.h"

namespace dign::corrupt {
namespace rng_detail {

/// x / 2^64 rounded to the nearest double: C++17's generate_canonical with one 64-bit engine
/// call ([rand.util.canonical], k = 1). For x >= 2^64 - 2^10 that rounds to 1.0, outside
/// [0, 1); the largest double below 1 is returned instead (what libstdc++ does).
inline double canonical(uint64_t x) {
  const double u = static_cast<double>(x) * 0x1.0p-64;
  return u < 1.0 ? u : 0x1.fffffffffffffp-1;
}

/// Uniform in [0, range), range >= 1, from 64-bit words: D. Lemire, "Fast Random Integer
/// Generation in an Interval", ACM TOMACS 29(1), 2019, Algorithm 5 (multiply, and reject the
/// low products below 2^64 mod range, which are the biased ones).
template <typename Bits>
uint64_t lemire(uint64_t range, Bits&& bits) {
  auto product = static_cast<unsigned __int128>(bits()) * range;
  auto low = static_cast<uint64_t>(product);
  if (low < range) {
    const uint64_t threshold = (0 - range) % range;  // 2^64 mod range
    while (low < threshold) {
      product = static_cast<unsigned __int128>(bits()) * range;
      low = static_cast<uint64_t>(product);
    }
  }
  return static_cast<uint64_t>(product >> 64);
}

/// log(k!) for k >= 0: below 30, the log of the product (each of its < 30 roundings is
/// relative 2^-53); from 30, Stirling's series to k^-7 (the next term, 1 / (1188 k^9), is below
/// 1e-16). Not std::lgamma: glibc's writes the global signgam, a data race when images are
/// corrupted on several threads.
inline double log_factorial(int64_t k) {
  if (k < 30) {
    double f = 1.0;
    for (int64_t i = 2; i <= k; ++i) f *= static_cast<double>(i);
    return std::log(f);
  }
  const double x = static_cast<double>(k);
  const double r = 1.0 / (x * x);
  const double series = (1.0 / 12 - r * (1.0 / 360 - r * (1.0 / 1260 - r / 1680))) / x;
  return (x + 0.5) * std::log(x) - x + 0.91893853320467274178 + series;  // 0.5 log(2 pi)
}

}  // namespace rng_detail

/// The random source of one (image, corruption, severity): std::mt19937_64 seeded with `seed`,
/// and the same numbers with any standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  /// Uniform in [low, high): u (high - low) + low, u from one engine word (rng_detail::canonical).
  double uniform(double low = 0.0, double high = 1.0) {
    return rng_detail::canonical(engine_()) * (high - low) + low;
  }

  /// Normal(mean, stddev) by Marsaglia's polar method (Marsaglia & Bray, SIAM Review 6(3),
  /// 1964): u, v uniform in [-1, 1), rejected unless 0 < s = u^2 + v^2 <= 1, then u f and v f
  /// with f = sqrt(-2 ln s / s) are independent normals. The second, v f, is returned and the
  /// first dropped: libstdc++'s choice (it caches u f, but a fresh distribution per call, as
  /// dign used, never read the cache). s == 1 is accepted as libstdc++ does (f = 0).
  double normal(double mean = 0.0, double stddev = 1.0) {
    double u, v, s;
    do {
      u = 2.0 * rng_detail::canonical(engine_()) - 1.0;
      v = 2.0 * rng_detail::canonical(engine_()) - 1.0;
      s = u * u + v * v;
    } while (s > 1.0 || s == 0.0);
    return v * std::sqrt(-2.0 * std::log(s) / s) * stddev + mean;
  }

  /// Uniform integer in [low, high), low < high (numpy's randint convention: high exclusive),
  /// by Lemire's method (rng_detail::lemire).
  int64_t integer(int64_t low, int64_t high) {
    DIGN_CHECK(low < high, "Rng::integer: expected low < high, got [", low, ", ", high, ")");
    const uint64_t range = static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
    const uint64_t offset = rng_detail::lemire(range, [this] { return engine_(); });
    return static_cast<int64_t>(static_cast<uint64_t>(low) + offset);
  }

  /// Poisson(mean); 0 without a draw when mean <= 0 or NaN. Exact samplers, as numpy pairs
  /// them: below 10, sequential search of the inverse CDF (Devroye, "Non-Uniform Random
  /// Variate Generation", 1986, X.3); from 10, Hormann's PTRS, "The transformed rejection
  /// method for generating Poisson random variables", Insurance: Math. Econ. 12, 1993.
  int64_t poisson(double mean) {
    if (!(mean > 0)) return 0;
    DIGN_CHECK(mean <= 1e9, "Rng::poisson: expected a mean <= 1e9, got ", mean,
               " (the acceptance test's log pmf would lose its precision)");
    return mean < 10 ? poisson_inversion(mean) : poisson_ptrs(mean);
  }

 private:
  int64_t poisson_inversion(double mean) {
    const double p0 = std::exp(-mean);
    for (;;) {
      const double u = rng_detail::canonical(engine_());
      double p = p0, cdf = p0;
      int64_t k = 0;
      while (u > cdf) {
        ++k;
        p *= mean / static_cast<double>(k);
        if (cdf + p == cdf) break;  // the rounded CDF stopped below u: a mass < 1e-15, redraw
        cdf += p;
      }
      if (u <= cdf) return k;
    }
  }

  int64_t poisson_ptrs(double mean) {
    // Step 0 of PTRS: the hat's constants, fitted by Hormann for mean >= 10.
    const double log_mean = std::log(mean);
    const double b = 0.931 + 2.53 * std::sqrt(mean);
    const double a = -0.059 + 0.02483 * b;
    const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    const double v_r = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const double u = rng_detail::canonical(engine_()) - 0.5;
      const double v = rng_detail::canonical(engine_());
      const double us = 0.5 - std::fabs(u);
      const double k = std::floor((2 * a / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= v_r) return static_cast<int64_t>(k);  // inside the squeeze
      if (k < 0 || (us < 0.013 && v > us)) continue;
      const auto n = static_cast<int64_t>(k);
      const double log_hat = std::log(v * inv_alpha / (a / (us * us) + b));
      if (log_hat <= -mean + k * log_mean - rng_detail::log_factorial(n)) return n;
    }
  }

  std::mt19937_64 engine_;
};

}  // namespace dign::corrupt
