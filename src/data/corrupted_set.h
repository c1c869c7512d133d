#pragma once
// A corrupted test set, as the paper's robustness evaluation consumes it: the same N
// test images (with their labels) under named corruptions at severities 1-5, read
// batch by batch so that memory does not grow with the number of corrupted images.
// Two sources implement it: CIFAR-10-C style .npy directories (cifar_c.h, memory
// mapped) and corruptions generated in memory (corrupt/generated_set.h).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace dign::data {

class CorruptedSet {
 public:
  virtual ~CorruptedSet() = default;

  /// Corruption names, in the order they are evaluated and reported.
  const std::vector<std::string>& corruptions() const { return corruptions_; }
  /// Severities present (1-5), lowest first; the same for every corruption.
  const std::vector<int>& severities() const { return severities_; }
  /// Images per (corruption, severity).
  int64_t size() const { return static_cast<int64_t>(labels_.size()); }
  int64_t height() const { return height_; }
  int64_t width() const { return width_; }
  int64_t image_bytes() const { return height_ * width_ * 3; }
  /// Labels of the N images (the same at every corruption and severity).
  const std::vector<int64_t>& labels() const { return labels_; }

  /// Copies images [begin, begin + count) of corruptions()[c] at severities()[s] into
  /// `out` (count * image_bytes() bytes, uint8 HWC RGB). Thread-safe.
  virtual void read(size_t c, size_t s, int64_t begin, int64_t count, uint8_t* out) const = 0;
  /// Where the images come from, for the report's provenance.
  virtual nlohmann::json describe() const = 0;

 protected:
  std::vector<std::string> corruptions_;
  std::vector<int> severities_;
  std::vector<int64_t> labels_;
  int64_t height_ = 0;
  int64_t width_ = 0;
};

/// The paper's noise corruptions (the -N metrics are computed over them, except
/// gaussian_noise, which the paper excludes for fairness to Gaussian-noise training).
const std::vector<std::string>& default_noise_set();

}  // namespace dign::data
