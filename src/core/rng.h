#pragma once
// Counter-based randomness: every random draw in dign is a pure function of
// (run seed, purpose, epoch, index...), never of a global generator, thread
// count or call order. That is what makes runs repeatable and resumable.
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace dign {

/// SplitMix64's output function alone (Stafford's variant 13): a bijective 64-bit mix with
/// good avalanche.
constexpr uint64_t splitmix64_finalizer(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// SplitMix64 finaliser of z + the golden gamma: SplitMix64's first output for state z.
constexpr uint64_t mix64(uint64_t z) {
  return splitmix64_finalizer(z + 0x9e3779b97f4a7c15ULL);
}

/// A stable 64-bit tag for a purpose name ("augment", "dign-noise", ...).
constexpr uint64_t purpose_tag(std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (char c : name) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
  return h;
}

/// derive_seed(seed, {parts..., part}) from derived = derive_seed(seed, {parts...}).
constexpr uint64_t extend_seed(uint64_t derived, uint64_t part) {
  return mix64(derived ^ mix64(part + 0x632be59bd9b4e019ULL));
}

/// Derives an independent seed from a base seed and a list of counters.
inline uint64_t derive_seed(uint64_t seed, std::initializer_list<uint64_t> parts) {
  uint64_t h = mix64(seed);
  for (uint64_t p : parts) h = extend_seed(h, p);
  return h;
}

/// A small, fast generator for per-sample decisions (augmentation, shuffling).
class SampleRng {
 public:
  explicit SampleRng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return splitmix64_finalizer(state_);
  }
  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  /// Uniform integer in [0, n), n > 0 (Lemire's multiply; bias < 2^-64 * n).
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  bool bernoulli(double p) { return uniform() < p; }
  /// Standard normal (Box-Muller; one value per call for simplicity).
  double normal() {
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  uint64_t state_;
};

}  // namespace dign
