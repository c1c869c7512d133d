// Prints the standard library it was built against and a digest of a fixed set of draws from
// corrupt::Rng: every method, several seeds and parameters. tests/corrupt/rng_libcxx.sh builds
// it with libc++ too, and the two digests must be equal: the corruptions' bytes do not depend on
// the standard library. Includes only the Rng header, so that it builds without OpenCV.
//
//   corrupt_rng_digest   ->   libstdc++ f47b00ae118d06d7 95000
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "corrupt/rng.h"

namespace {

struct Digest {
  uint64_t state = 0xcbf29ce484222325ULL;
  int64_t count = 0;
  void add(uint64_t word) {  // FNV-1a over the 8 bytes, low first
    for (int i = 0; i < 8; ++i) state = (state ^ ((word >> (8 * i)) & 0xff)) * 0x100000001b3ULL;
    ++count;
  }
  void add(double x) {
    uint64_t word;
    std::memcpy(&word, &x, sizeof word);
    add(word);
  }
  void add(int64_t k) { add(static_cast<uint64_t>(k)); }
};

const char* library() {
#if defined(_LIBCPP_VERSION)
  return "libc++";
#elif defined(__GLIBCXX__)
  return "libstdc++";
#else
  return "other";
#endif
}

}  // namespace

int main() {
  using dign::corrupt::Rng;
  Digest digest;
  for (uint64_t seed : {0ULL, 1ULL, 42ULL, 5489ULL, 0xfedcba9876543210ULL}) {
    Rng rng(seed);
    for (int i = 0; i < 1000; ++i) {
      digest.add(rng.uniform());
      digest.add(rng.uniform(-45.0, 45.0));
      digest.add(rng.normal());
      digest.add(rng.normal(0.3, 0.08));
      digest.add(rng.integer(0, 5));
      digest.add(rng.integer(-3, 3));
      digest.add(rng.integer(INT64_MIN, INT64_MAX));
      digest.add(rng.integer(-2, INT64_MAX));  // rejects about half of the words
      digest.add(rng.poisson(0.5));
      digest.add(rng.poisson(3.0 + i % 7));    // inversion
      digest.add(rng.poisson(10.0 + i % 50));  // PTRS
      digest.add(rng.poisson(1000.0));
      digest.add(rng.poisson(i % 5 == 0 ? 0.0 : 0.02 * i));  // 0 draws nothing
      digest.add(rng.uniform(120.0, 255.0));
      digest.add(rng.normal(-7.0, 1e3));
      digest.add(rng.integer(0, 33));
      digest.add(rng.poisson(250.0 * (i % 4) / 3.0));
      digest.add(rng.uniform());
      digest.add(rng.normal());
    }
  }
  std::printf("%s %016" PRIx64 " %" PRId64 "\n", library(), digest.state, digest.count);
  return 0;
}
