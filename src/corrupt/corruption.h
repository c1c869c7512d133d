#pragma once
// The corruptions of CIFAR-10-C / CIFAR-100-C and Tiny-ImageNet-C (Hendrycks &
// Dietterich, 2019), natively: each works on what those datasets store, a uint8
// HxWx3 RGB image, with a severity 1-5 and a random source seeded per image, and
// returns a uint8 image of the same size. Algorithms and severity parameters
// follow the original generator (see docs/corruptions.md for every deviation).
// LibTorch-free: evaluation converts to the model's float [0,1] contract later.
//
//   const auto& c = find_corruption("glass_blur");
//   Rng rng(image_seed(seed, c.name, severity, index));
//   cv::Mat out = c.apply(rgb, severity, rng, Context{});
#include <opencv2/core.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace dign::corrupt {

/// Which parameter table: CIFAR-10/100-C (32x32) or Tiny-ImageNet-C (64x64).
enum class Table { kCifar, kTiny };

/// The random source of one (image, corruption, severity). Deterministic for a
/// given seed with this standard library (std::mt19937_64 and libstdc++'s distributions).
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  /// Uniform in [low, high).
  double uniform(double low = 0.0, double high = 1.0) {
    return std::uniform_real_distribution<double>(low, high)(engine_);
  }
  double normal(double mean = 0.0, double stddev = 1.0) {
    return std::normal_distribution<double>(mean, stddev)(engine_);
  }
  /// Uniform integer in [low, high) (numpy's randint convention: high exclusive).
  int64_t integer(int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high - 1)(engine_);
  }
  int64_t poisson(double mean) {
    return mean > 0 ? std::poisson_distribution<int64_t>(mean)(engine_) : 0;
  }
  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

/// Everything a corruption may need beyond the image.
struct Context {
  Table table = Table::kCifar;
  /// The original frost photographs (frost1.png ... frost5.jpg, RGB uint8), when the
  /// user gave --frost-dir; empty = the procedural frost texture.
  const std::vector<cv::Mat>* frost_images = nullptr;
};

/// rgb: CV_8UC3, RGB order, any size. severity: 1..5. Returns CV_8UC3 of the same size.
using CorruptFn = cv::Mat (*)(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);

struct Corruption {
  std::string name;    ///< the CIFAR-10-C file stem, e.g. "gaussian_noise"
  std::string family;  ///< noise | blur | weather | digital
  bool benchmark;      ///< one of the paper's 15 (false: speckle, gaussian blur, spatter, saturate)
  CorruptFn apply;
};

}  // namespace dign::corrupt
