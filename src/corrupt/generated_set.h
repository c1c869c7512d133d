#pragma once
// Corrupted copies of a test set generated in memory, batch by batch: the
// evaluation reads them like a CIFAR-10-C directory without a disk round trip,
// and `dign corrupt` writes them out in that layout (write_set.h). Every image
// is a function of (seed, corruption, severity, index in reader order), so the
// result does not depend on batch size or thread count. 64x64 and 224x224 images then get the
// Tiny-ImageNet-C / ImageNet-C writers' JPEG save at quality 85
// (GenerateOptions::final_jpeg_quality).
//
//   auto set = generate_corrupted(test, GenerateOptions{});  // the table's benchmark
//   set->read(/*corruption=*/0, /*severity index=*/0, 0, 100, buffer.data());
#include <memory>
#include <string>
#include <vector>

#include "corrupt/corruption.h"
#include "data/corrupted_set.h"
#include "data/image_set.h"

namespace dign::corrupt {

struct GenerateOptions {
  /// Corruption names; empty = all of the table's benchmark (19 for CIFAR, 15 for Tiny-ImageNet
  /// and ImageNet).
  std::vector<std::string> corruptions;
  /// Severities 1-5, written and evaluated lowest first. Default: all five.
  std::vector<int> severities = {1, 2, 3, 4, 5};
  uint64_t seed = 0;
  /// The original frost photographs (frost1.png ... frost5.jpg); empty = procedural frost.
  std::string frost_dir;
  /// JPEG quality of a save applied to every corrupted image: the Tiny-ImageNet-C and ImageNet-C
  /// writers stored each image as JPEG quality 85 (corruptions.md 0.2,
  /// corruptions-imagenet-c.md 0.2), so their jpeg_compression is compressed twice. 0 = none;
  /// -1 = the table's: 85 for Tiny-ImageNet and ImageNet, none for CIFAR (whose .npy files are
  /// lossless). Default: -1
  int final_jpeg_quality = -1;
  /// Worker threads generating a batch.
  int threads = 1;
};

/// The parameter table for images of h x w: 32x32 -> CIFAR-10/100-C, 64x64 ->
/// Tiny-ImageNet-C, 224x224 -> ImageNet-C; dign::Error naming the three sizes otherwise.
Table table_for_size(int64_t height, int64_t width);

/// Checks names, severities (1-5, no repeats) and the final JPEG quality; fills in the
/// table's corruptions and final JPEG quality where left to default; sorts severities.
/// dign::Error naming the option otherwise. (The frost directory is checked when a set
/// loads it.)
GenerateOptions resolved(GenerateOptions options, Table table);

class GeneratedSet : public data::CorruptedSet {
 public:
  /// Resolves `options` for the images' table and loads the frost photographs, once.
  /// `images` must outlive the set.
  GeneratedSet(const data::ImageSet& images, const GenerateOptions& options);
  GeneratedSet(data::ImageSet&&, const GenerateOptions&) = delete;  // would dangle
  GeneratedSet(const GeneratedSet&) = delete;
  GeneratedSet& operator=(const GeneratedSet&) = delete;

  void read(size_t c, size_t s, int64_t begin, int64_t count, uint8_t* out) const override;
  /// Generates the selected rows only, on the worker threads.
  void read_rows(size_t c, size_t s, int64_t begin, int64_t count, const std::vector<int64_t>& rows,
                 uint8_t* out) const override;
  nlohmann::json describe() const override;

  /// The resolved options, and the context every image is corrupted with: a preview grid
  /// made with them shows the set's images (before the final JPEG save).
  const GenerateOptions& options() const { return options_; }
  const Context& context() const { return context_; }

 private:
  const data::ImageSet& images_;
  Table table_;
  GenerateOptions options_;
  std::vector<cv::Mat> frost_;
  Context context_;
  std::vector<const Corruption*> entries_;
};

/// A GeneratedSet; dign::Error for an empty `images` or bad options.
std::unique_ptr<GeneratedSet> generate_corrupted(const data::ImageSet& images,
                                                 const GenerateOptions& options);
std::unique_ptr<GeneratedSet> generate_corrupted(data::ImageSet&&,
                                                 const GenerateOptions&) = delete;  // would dangle

}  // namespace dign::corrupt
