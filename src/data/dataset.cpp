#include "data/dataset.h"

#include <xxhash.h>

#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "data/cifar_binary.h"
#include "data/image_folder.h"
#include "data/synthetic.h"
#include "data/tiny_imagenet.h"

namespace dign::data {
namespace fs = std::filesystem;

nlohmann::json per_class_json(const ImageSet& set, const std::vector<int64_t>& counts) {
  if (counts.empty()) return nullptr;
  nlohmann::json j = nlohmann::json::object();
  for (size_t c = 0; c < counts.size(); ++c) j[set.class_names[c]] = counts[c];
  return j;
}

std::string detect_format(const std::string& path) {
  if (path == "synthetic") return "synthetic";
  DIGN_CHECK_OPTION(fs::is_directory(path), "data", path,
                    ": not a directory (expected a dataset directory or 'synthetic')");
  if (looks_like_cifar_binary(path)) return "cifar-binary";
  if (looks_like_tiny_imagenet(path)) return "tiny-imagenet";
  if (looks_like_image_folder(path)) return "imagefolder";
  throw OptionError("data", detail::concat(path,
                                           ": no known layout (expected CIFAR binary batches, an "
                                           "ImageFolder tree train/<class>/ with "
                                           "test/ or val/, or Tiny-ImageNet-200 with wnids.txt)"));
}

Dataset load_dataset(const DataOptions& options) {
  const std::string format =
      options.format == "auto" ? detect_format(options.path) : options.format;
  DIGN_CHECK_OPTION(options.resize == 0 || format == "imagefolder" || format == "tiny-imagenet",
                    "resize", "applies to decoded images (imagefolder, tiny-imagenet), not to ",
                    format, " data");
  const ImageFolderOptions folder{options.image_size, options.threads, options.resize,
                                  options.test_only};
  Dataset dataset;
  if (format == "synthetic") {
    SyntheticOptions s;
    s.train_size = options.synthetic_train;
    s.test_size = options.synthetic_test;
    s.image_size = options.image_size > 0 ? options.image_size : 32;
    s.seed = options.synthetic_seed;
    s.threads = options.threads;
    dataset = make_synthetic(s);
  } else if (format == "cifar-binary") {
    dataset = read_cifar_binary(options.path);
  } else if (format == "imagefolder") {
    dataset = read_image_folder(options.path, folder);
  } else if (format == "tiny-imagenet") {
    dataset = read_tiny_imagenet(options.path, folder);
  } else {
    throw OptionError(
        "format", detail::concat("unknown format '", format,
                                 "' (expected auto, cifar-binary, imagefolder, tiny-imagenet or "
                                 "synthetic)"));
  }
  dataset.path = options.path;
  DIGN_CHECK_OPTION(dataset.train.size() > 0 || options.test_only, "data", options.path,
                    ": the training split is empty");
  DIGN_CHECK_OPTION(dataset.test.size() > 0, "data", options.path, ": the test split is empty");
  return dataset;
}

std::vector<int64_t> limit_per_class(const ImageSet& set, int64_t limit,
                                     std::vector<int64_t>* per_class) {
  const int64_t classes = set.num_classes();
  DIGN_CHECK(limit >= 1, "limit: expected at least 1 image, got ", limit);
  std::vector<int64_t> quota(static_cast<size_t>(classes), limit / classes);
  for (int64_t c = 0; c < limit % classes; ++c) ++quota[static_cast<size_t>(c)];
  std::vector<int64_t> taken(static_cast<size_t>(classes), 0);
  std::vector<int64_t> indices;
  for (int64_t i = 0; i < set.size(); ++i) {
    const auto c = static_cast<size_t>(set.labels[static_cast<size_t>(i)]);
    if (taken[c] < quota[c]) {
      ++taken[c];
      indices.push_back(i);
    }
  }
  if (per_class) *per_class = taken;
  return indices;
}

ImageSet limit_images(const ImageSet& set, int64_t limit, std::vector<int64_t>* per_class) {
  if (limit <= 0) return set;
  return subset(set, limit_per_class(set, limit, per_class));
}

ImageSet limit_images(ImageSet&& set, int64_t limit, std::vector<int64_t>* per_class) {
  if (limit <= 0) return std::move(set);
  return subset(set, limit_per_class(set, limit, per_class));
}

ImageSet subset(const ImageSet& set, const std::vector<int64_t>& indices) {
  ImageSet out;
  out.height = set.height;
  out.width = set.width;
  out.class_names = set.class_names;
  const int64_t bytes = set.image_bytes();
  out.pixels.resize(static_cast<size_t>(bytes) * indices.size());
  for (size_t k = 0; k < indices.size(); ++k) {
    const int64_t i = indices[k];
    std::copy(set.image(i), set.image(i) + bytes, out.pixels.data() + k * bytes);
    out.labels.push_back(set.labels[static_cast<size_t>(i)]);
    if (!set.sources.empty()) out.sources.push_back(set.sources[static_cast<size_t>(i)]);
  }
  return out;
}

std::pair<ImageSet, ImageSet> split_validation(const ImageSet& train, int64_t n) {
  DIGN_CHECK_OPTION(n >= 1 && n < train.size(), "val_split", "expected between 1 and ",
                    train.size() - 1, " images, got ", n);
  const auto held = limit_per_class(train, n);
  std::vector<bool> is_held(static_cast<size_t>(train.size()), false);
  for (int64_t i : held) is_held[static_cast<size_t>(i)] = true;
  std::vector<int64_t> rest;
  for (int64_t i = 0; i < train.size(); ++i) {
    if (!is_held[static_cast<size_t>(i)]) rest.push_back(i);
  }
  return {subset(train, rest), subset(train, held)};
}

std::string content_hash(const ImageSet& set) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  const int64_t shape[3] = {set.size(), set.height, set.width};
  XXH3_64bits_update(state, shape, sizeof(shape));
  XXH3_64bits_update(state, set.pixels.data(), set.pixels.size());
  XXH3_64bits_update(state, set.labels.data(), set.labels.size() * sizeof(int64_t));
  const uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(h));
  return std::string("xxh3:") + hex;
}

std::pair<std::array<double, 3>, std::array<double, 3>> channel_statistics(const ImageSet& set) {
  std::array<double, 3> sum{}, sum_sq{};
  const size_t pixels = set.pixels.size() / 3;
  for (size_t i = 0; i < pixels; ++i) {
    for (int c = 0; c < 3; ++c) {
      const double v = set.pixels[3 * i + c] / 255.0;
      sum[c] += v;
      sum_sq[c] += v * v;
    }
  }
  std::array<double, 3> mean{}, std{};
  for (int c = 0; c < 3; ++c) {
    mean[c] = sum[c] / static_cast<double>(std::max<size_t>(pixels, 1));
    const double var =
        sum_sq[c] / static_cast<double>(std::max<size_t>(pixels, 1)) - mean[c] * mean[c];
    std[c] = std::sqrt(std::max(var, 1e-12));
  }
  return {mean, std};
}

}  // namespace dign::data
