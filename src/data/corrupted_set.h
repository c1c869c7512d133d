#pragma once
// A corrupted test set, as the paper's robustness evaluation consumes it: the same N
// test images (with their labels) under named corruptions at severities 1-5, read
// batch by batch so that memory does not grow with the number of corrupted images.
// Three sources implement it: CIFAR-10-C style .npy directories (cifar_c.h, memory
// mapped), Tiny-ImageNet-C image folders (tiny_imagenet_c.h, decoded per read) and
// corruptions generated in memory (corrupt/generated_set.h).
//
//   auto set = open_corrupted_set("Tiny-ImageNet-C");   // either directory layout
//   set->relabel_by_name(test.class_names);              // the model's class order
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
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
  /// The class name of each label when the source names its classes (Tiny-ImageNet-C's
  /// wnid folders); empty when it does not (CIFAR-10-C stores bare numbers).
  const std::vector<std::string>& class_names() const { return class_names_; }

  /// Maps the labels to the index of their class name in `order` (the model's classes):
  /// folders sort by name, while a Tiny-ImageNet model numbers its classes in wnids.txt
  /// order. Does nothing when class_names() is empty; dign::Error naming a class that is
  /// not in `order`.
  void relabel_by_name(const std::vector<std::string>& order);

  /// Copies images [begin, begin + count) of corruptions()[c] at severities()[s] into
  /// `out` (count * image_bytes() bytes, uint8 HWC RGB). Thread-safe.
  virtual void read(size_t c, size_t s, int64_t begin, int64_t count, uint8_t* out) const = 0;
  /// As read, but only the images at `rows` (positions in [0, count) of the range), each to its
  /// own place in `out` (count * image_bytes() bytes); the other places are left as they are.
  /// A rank of a sharded evaluation scores its rows only (distributed::shard_positions), so a
  /// generated set need not corrupt the others. The default reads them one by one.
  virtual void read_rows(size_t c, size_t s, int64_t begin, int64_t count,
                         const std::vector<int64_t>& rows, uint8_t* out) const;
  /// Where the images come from, for the report's provenance.
  virtual nlohmann::json describe() const = 0;

 protected:
  std::vector<std::string> corruptions_;
  std::vector<int> severities_;
  std::vector<int64_t> labels_;
  std::vector<std::string> class_names_;
  int64_t height_ = 0;
  int64_t width_ = 0;
};

/// The paper's noise corruptions (the -N metrics are computed over them, except
/// gaussian_noise, which the paper excludes for fairness to Gaussian-noise training).
const std::vector<std::string>& default_noise_set();

/// The 19 corruption names in the original generator's order (make_cifar_c.py), the order
/// reports list them in. corrupt/registry.h builds them in this order (its test checks).
const std::vector<std::string>& generator_corruption_order();

/// Sorts corruption names into report order: the generator's order for the corruptions it
/// knows (as generated sets and the paper's tables list them), then the others by name.
void sort_corruption_names(std::vector<std::string>& names);

/// Opens a corrupted test set on disk in either layout: a CIFAR-10-C directory (any .npy
/// file in `dir`: cifar_c.h) or a Tiny-ImageNet-C tree (tiny_imagenet_c.h). dign::Error
/// naming `dir` and both layouts when it is neither.
std::unique_ptr<CorruptedSet> open_corrupted_set(const std::string& dir);

}  // namespace dign::data
