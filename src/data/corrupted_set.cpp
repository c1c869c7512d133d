#include "data/corrupted_set.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>

#include "core/error.h"
#include "data/cifar_c.h"
#include "data/tiny_imagenet_c.h"

namespace dign::data {

namespace fs = std::filesystem;

const std::vector<std::string>& default_noise_set() {
  static const std::vector<std::string> names = {"gaussian_noise", "shot_noise", "impulse_noise",
                                                 "speckle_noise"};
  return names;
}

void CorruptedSet::read_rows(size_t c, size_t s, int64_t begin, int64_t count,
                             const std::vector<int64_t>& rows, uint8_t* out) const {
  for (const int64_t i : rows) {
    DIGN_CHECK(i >= 0 && i < count, "corrupted set: read_rows: row ", i, " outside [0, ", count,
               ")");
    read(c, s, begin + i, 1, out + i * image_bytes());
  }
}

void CorruptedSet::relabel_by_name(const std::vector<std::string>& order) {
  if (class_names_.empty()) return;
  std::map<std::string, int64_t> index;
  for (size_t i = 0; i < order.size(); ++i) index.emplace(order[i], static_cast<int64_t>(i));
  std::vector<int64_t> to(class_names_.size());
  for (size_t c = 0; c < class_names_.size(); ++c) {
    const auto found = index.find(class_names_[c]);
    DIGN_CHECK_OPTION(found != index.end(), "corrupted", describe().value("path", std::string()),
                      ": class '", class_names_[c], "' is not one of the test data's ",
                      order.size(), " classes");
    to[c] = found->second;
  }
  for (auto& label : labels_) label = to[static_cast<size_t>(label)];
  class_names_ = order;
}

const std::vector<std::string>& generator_corruption_order() {
  // make_cifar_c.py's order: the 15 benchmark corruptions, then the 4 extras.
  static const std::vector<std::string> names = {"gaussian_noise",
                                                 "shot_noise",
                                                 "impulse_noise",
                                                 "defocus_blur",
                                                 "glass_blur",
                                                 "motion_blur",
                                                 "zoom_blur",
                                                 "snow",
                                                 "frost",
                                                 "fog",
                                                 "brightness",
                                                 "contrast",
                                                 "elastic_transform",
                                                 "pixelate",
                                                 "jpeg_compression",
                                                 "speckle_noise",
                                                 "gaussian_blur",
                                                 "spatter",
                                                 "saturate"};
  return names;
}

void sort_corruption_names(std::vector<std::string>& names) {
  const auto rank = [](const std::string& name) {
    const auto& order = generator_corruption_order();
    return static_cast<size_t>(std::find(order.begin(), order.end(), name) - order.begin());
  };
  std::sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
    const size_t ra = rank(a), rb = rank(b);
    return ra != rb ? ra < rb : a < b;
  });
}

namespace {

// Any .npy file marks a directory meant as CIFAR-10-C, even a malformed one: its
// reader then says what is wrong rather than that no layout matched.
bool holds_npy_file(const std::string& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".npy") return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<CorruptedSet> open_corrupted_set(const std::string& dir) {
  std::error_code ec;
  DIGN_CHECK_OPTION(fs::is_directory(dir, ec), "corrupted", dir, ": not a directory");
  if (holds_npy_file(dir)) return open_cifar_c(dir);
  if (looks_like_tiny_imagenet_c(dir)) return open_tiny_imagenet_c(dir);
  throw OptionError(
      "corrupted",
      detail::concat(
          dir,
          ": no known layout (expected CIFAR-10-C: <corruption>.npy files and labels.npy; or "
          "Tiny-ImageNet-C: <corruption>/<severity 1-5>/<class>/<image files>)"));
}

}  // namespace dign::data
