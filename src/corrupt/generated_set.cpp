#include "corrupt/generated_set.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <vector>

#include "core/error.h"
#include "core/parallel.h"
#include "corrupt/common.h"
#include "corrupt/digital.h"
#include "corrupt/registry.h"
#include "corrupt/weather/frost_texture.h"

namespace dign::corrupt {

Table table_for_size(int64_t height, int64_t width) {
  if (height == 32 && width == 32) return Table::kCifar;
  if (height == 64 && width == 64) return Table::kTiny;
  if (height == 224 && width == 224) return Table::kImageNet;
  throw Error(detail::concat(
      "corruptions: images are ", height, "x", width,
      "; the severity parameters cover 32x32 (CIFAR-10/100-C), 64x64 (Tiny-ImageNet-C) and "
      "224x224 (ImageNet-C) images (use --image-size 32 or 64, or --resize 256 --image-size 224)"));
}

GenerateOptions resolved(GenerateOptions o, Table table) {
  if (o.corruptions.empty()) o.corruptions = corruption_names(table);
  for (const auto& name : o.corruptions) find_corruption(name);
  std::vector<std::string> unique = o.corruptions;
  std::sort(unique.begin(), unique.end());
  DIGN_CHECK_OPTION(std::adjacent_find(unique.begin(), unique.end()) == unique.end(), "corruptions",
                    "a corruption is listed twice");
  DIGN_CHECK_OPTION(!o.severities.empty(), "severities", "expected at least one of 1 to 5");
  std::sort(o.severities.begin(), o.severities.end());
  for (int s : o.severities) {
    DIGN_CHECK_OPTION(s >= 1 && s <= 5, "severities", "expected values from 1 to 5, got ", s);
  }
  DIGN_CHECK_OPTION(
      std::adjacent_find(o.severities.begin(), o.severities.end()) == o.severities.end(),
      "severities", "a severity is listed twice");
  // The Tiny-ImageNet-C and ImageNet-C writers saved every image as JPEG quality 85;
  // CIFAR-10-C is .npy.
  if (o.final_jpeg_quality == -1) o.final_jpeg_quality = table == Table::kCifar ? 0 : 85;
  DIGN_CHECK_OPTION(o.final_jpeg_quality >= 0 && o.final_jpeg_quality <= 100, "final_jpeg_quality",
                    "expected 0 (none), 1 to 100, or -1 (the table's), got ", o.final_jpeg_quality);
  DIGN_CHECK(o.threads >= 1, "threads: expected at least 1");
  return o;
}

GeneratedSet::GeneratedSet(const data::ImageSet& images, const GenerateOptions& options)
    : images_(images), table_(table_for_size(images.height, images.width)) {
  options_ = resolved(options, table_);
  if (!options_.frost_dir.empty()) frost_ = load_frost_images(options_.frost_dir);
  context_.table = table_;
  context_.frost_images = options_.frost_dir.empty() ? nullptr : &frost_;
  corruptions_ = options_.corruptions;
  severities_ = options_.severities;
  labels_ = images.labels;
  height_ = images.height;
  width_ = images.width;
  for (const auto& name : corruptions_) entries_.push_back(&find_corruption(name));
}

void GeneratedSet::read(size_t c, size_t s, int64_t begin, int64_t count, uint8_t* out) const {
  std::vector<int64_t> rows(static_cast<size_t>(std::max<int64_t>(count, 0)));
  std::iota(rows.begin(), rows.end(), 0);
  read_rows(c, s, begin, count, rows, out);
}

void GeneratedSet::read_rows(size_t c, size_t s, int64_t begin, int64_t count,
                             const std::vector<int64_t>& rows, uint8_t* out) const {
  DIGN_CHECK(c < entries_.size() && s < severities_.size() && begin >= 0 && count >= 0 &&
                 begin + count <= size(),
             "generated corruptions: read outside the set");
  for (const int64_t i : rows) {
    DIGN_CHECK(i >= 0 && i < count, "generated corruptions: row ", i, " outside [0, ", count, ")");
  }
  const int h = static_cast<int>(height_), w = static_cast<int>(width_);
  parallel_chunks(
      static_cast<int64_t>(rows.size()), options_.threads, [&](int64_t from, int64_t to) {
        for (int64_t k = from; k < to; ++k) {
          const int64_t i = rows[static_cast<size_t>(k)];
          const int64_t index = begin + i;
          // The source image is only read: wrapping it without a copy is safe.
          const cv::Mat rgb(h, w, CV_8UC3, const_cast<uint8_t*>(images_.image(index)));
          cv::Mat result =
              corrupt_image(*entries_[c], rgb, severities_[s], options_.seed, index, context_);
          if (options_.final_jpeg_quality > 0) {
            result = jpeg_round_trip(result, options_.final_jpeg_quality);
          }
          std::memcpy(out + i * image_bytes(), result.data, static_cast<size_t>(image_bytes()));
        }
      });
}

nlohmann::json GeneratedSet::describe() const {
  nlohmann::json j = {
      {"source", "generated"},
      {"seed", options_.seed},
      {"table", table_name(table_)},
      {"frost",
       options_.frost_dir.empty() ? "procedural" : "photographs from " + options_.frost_dir},
      {"final_jpeg_quality", options_.final_jpeg_quality > 0
                                 ? nlohmann::json(options_.final_jpeg_quality)
                                 : nlohmann::json(nullptr)}};
  if (table_ == Table::kImageNet) {
    j["mce_note"] =
        "ImageNet-C's published AlexNet errors are 1000-class top-1 errors over 50,000 images per "
        "corruption and severity; they are no normalizer for a model of other classes (e.g. "
        "10-class ImageNette): mCE here needs --baseline with a report of your own baseline "
        "model on the same images";
  }
  return j;
}

std::unique_ptr<GeneratedSet> generate_corrupted(const data::ImageSet& images,
                                                 const GenerateOptions& options) {
  DIGN_CHECK(images.size() > 0, "corruptions: the test set is empty");
  return std::make_unique<GeneratedSet>(images, options);
}

}  // namespace dign::corrupt
