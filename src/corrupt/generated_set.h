#pragma once
// Corrupted copies of a test set generated in memory, batch by batch: the
// evaluation reads them like a CIFAR-10-C directory without a disk round trip,
// and `dign corrupt` writes them out in that layout (write_set.h). Every image
// is a function of (seed, corruption, severity, index in reader order), so the
// result does not depend on batch size or thread count.
#include <memory>
#include <string>
#include <vector>

#include "corrupt/corruption.h"
#include "data/corrupted_set.h"
#include "data/image_set.h"

namespace dign::corrupt {

struct GenerateOptions {
  /// Corruption names; empty = all of the table's benchmark (19 for CIFAR, 15 for Tiny-ImageNet).
  std::vector<std::string> corruptions;
  /// Severities 1-5, written and evaluated lowest first. Default: all five.
  std::vector<int> severities = {1, 2, 3, 4, 5};
  uint64_t seed = 0;
  /// The original frost photographs (frost1.png ... frost5.jpg); empty = procedural frost.
  std::string frost_dir;
  /// Worker threads generating a batch.
  int threads = 1;
};

/// The parameter table for images of h x w: 32x32 -> CIFAR-10/100-C, 64x64 ->
/// Tiny-ImageNet-C; dign::Error naming the supported sizes otherwise.
Table table_for_size(int64_t height, int64_t width);

/// Checks names, severities (1-5, no repeats) and the frost directory; sorts severities.
/// dign::Error naming the option otherwise.
GenerateOptions resolved(GenerateOptions options, Table table);

/// `images` must outlive the returned set.
std::unique_ptr<data::CorruptedSet> generate_corrupted(const data::ImageSet& images,
                                                       const GenerateOptions& options);

}  // namespace dign::corrupt
