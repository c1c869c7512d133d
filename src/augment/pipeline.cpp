#include "augment/pipeline.h"

#include <algorithm>
#include <memory>
#include <sstream>

#include "augment/color_jitter.h"
#include "augment/horizontal_flip.h"
#include "augment/pad.h"
#include "augment/random_crop.h"
#include "augment/random_resized_crop.h"
#include "augment/random_rotation.h"
#include "core/error.h"

namespace dign::augment {

const std::vector<std::string>& augment_items() {
  static const std::vector<std::string> items = {"crop", "flip", "jitter", "rotate"};
  return items;
}

std::vector<std::string> parse_augment_list(const std::string& list, const std::string& field) {
  const auto& known = augment_items();
  std::vector<bool> chosen(known.size(), false);
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item == "none" || item.empty()) continue;
    const auto it = std::find(known.begin(), known.end(), item);
    DIGN_CHECK_OPTION(it != known.end(), field, "unknown augmentation '", item,
                      "' (expected a comma-separated subset of ", to_list(known), ", or none)");
    chosen[static_cast<size_t>(it - known.begin())] = true;
  }
  std::vector<std::string> items;
  for (size_t i = 0; i < known.size(); ++i) {
    if (chosen[i]) items.push_back(known[i]);
  }
  return items;
}

std::string to_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out.empty() ? "none" : out;
}

Compose training_transforms(const std::string& list, int64_t stored_height, int64_t stored_width,
                            int64_t out, const std::string& field) {
  const auto items = parse_augment_list(list, field);
  DIGN_CHECK(stored_height >= 1 && stored_width >= 1 && out >= 1, field,
             ": image sizes must be at least 1, got stored ", stored_height, "x", stored_width,
             " and output ", out);
  auto listed = [&](const char* name) {
    return std::find(items.begin(), items.end(), name) != items.end();
  };
  Compose transforms;
  if (stored_height > out || stored_width > out) {
    // Replaces the padded crop: the crop a resized dataset needs to reach `out`.
    transforms.push_back(std::make_shared<RandomResizedCrop>(RandomResizedCropOptions(out)));
  } else {
    if (stored_height < out || stored_width < out) {
      transforms.push_back(std::make_shared<Pad>(
          PadOptions().right(out - stored_width).bottom(out - stored_height)));
    }
    if (listed("crop")) transforms.push_back(std::make_shared<RandomCrop>());
  }
  if (listed("flip")) transforms.push_back(std::make_shared<HorizontalFlip>());
  if (listed("jitter")) transforms.push_back(std::make_shared<ColorJitter>());
  if (listed("rotate")) transforms.push_back(std::make_shared<RandomRotation>());
  return transforms;
}

}  // namespace dign::augment
