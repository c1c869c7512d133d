#pragma once
// Loading a dataset from what the user passed as --data, and the selections
// made on it (--train-limit, --test-limit, --val-split). LibTorch-free.
#include <nlohmann/json.hpp>

#include <array>
#include <string>
#include <vector>

#include "data/image_set.h"

namespace dign::data {

struct DataOptions {
  /// A directory, or "synthetic" for the built-in generated dataset.
  std::string path = "synthetic";
  /// auto | cifar-binary | imagefolder | tiny-imagenet | synthetic. Default: auto (detected).
  std::string format = "auto";
  /// Resize and crop images to this side (0 = keep the stored size, which must agree).
  int64_t image_size = 0;
  /// With image_size S > 0: test images are first resized (shorter side to R, Pillow's
  /// antialiased bilinear) and then centre-cropped to S x S, as torchvision's Resize(R) +
  /// CenterCrop(S): the ImageNet evaluation crop with R = 256, S = 224, which ImageNet-C was made
  /// from. 0 = none (the shorter side goes straight to S). Decoded images only (imagefolder,
  /// tiny-imagenet). Default: 0
  int64_t resize = 0;
  /// Decode the test split only (the training split is listed for its classes but left empty):
  /// for commands that use nothing else, such as `dign corrupt`. Default: false
  bool test_only = false;
  /// Decoding threads.
  int threads = 1;
  /// Size of the generated splits for `synthetic`.
  int64_t synthetic_train = 5000;
  int64_t synthetic_test = 1000;
  uint64_t synthetic_seed = 0;
};

/// The format `path` holds, or dign::Error naming the path and the layouts looked for.
std::string detect_format(const std::string& path);

/// Reads the dataset; every failure is a dign::Error naming the file and what was expected.
Dataset load_dataset(const DataOptions& options);

/// What --train-limit / --test-limit select: the first floor(N/C) images of every class
/// in reader order, plus one more from the first N mod C classes; a class with too few
/// gives what it has. `per_class` receives the count taken from each class.
std::vector<int64_t> limit_per_class(const ImageSet& set, int64_t limit,
                                     std::vector<int64_t>* per_class = nullptr);

/// `set` as --train-limit / --test-limit N take it: the limit_per_class images (their counts
/// per class in `per_class`), or all of `set` when N is 0 (or below). Only the selected images
/// are copied; pass an rvalue to move the whole set when there is no limit.
ImageSet limit_images(const ImageSet& set, int64_t limit,
                      std::vector<int64_t>* per_class = nullptr);
ImageSet limit_images(ImageSet&& set, int64_t limit, std::vector<int64_t>* per_class = nullptr);

/// {class name: count} of the counts limit_per_class returned; null when there are none.
nlohmann::json per_class_json(const ImageSet& set, const std::vector<int64_t>& counts);

/// The images at `indices`, in that order (a copy).
ImageSet subset(const ImageSet& set, const std::vector<int64_t>& indices);

/// Splits `n` images off the training set for model selection (--val-split), chosen
/// per class as limit_per_class does; returns {remaining train, validation}.
std::pair<ImageSet, ImageSet> split_validation(const ImageSet& train, int64_t n);

/// A content hash of pixels, labels and size ("xxh3:<16 hex digits>").
std::string content_hash(const ImageSet& set);

/// Per-channel mean and standard deviation over all pixels, in [0,1] units.
std::pair<std::array<double, 3>, std::array<double, 3>> channel_statistics(const ImageSet& set);

}  // namespace dign::data
