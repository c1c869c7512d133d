#include "data/tiny_imagenet_c.h"

#include <filesystem>
#include <opencv2/core.hpp>
#include <vector>

#include "core/error.h"
#include "core/file_io.h"
#include "data/image_folder.h"
#include "data/image_header.h"

namespace dign::data {

namespace fs = std::filesystem;

namespace {

constexpr const char* kLayout = "<corruption>/<severity 1-5>/<class>/<image files>";

bool is_severity_name(const std::string& name) {
  return name.size() == 1 && name[0] >= '1' && name[0] <= '5';
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ",") + name;
  return text;
}

// Where two sorted name lists part, for an error that says what to look for.
std::string first_difference(const std::vector<std::string>& here,
                             const std::vector<std::string>& there) {
  size_t i = 0;
  while (i < here.size() && i < there.size() && here[i] == there[i]) ++i;
  const auto at = [i](const std::vector<std::string>& names) {
    return i < names.size() ? "'" + names[i] + "'" : std::string("nothing");
  };
  return detail::concat(here.size(), " here, ", there.size(),
                        " there; first difference: ", at(here), " here, ", at(there), " there");
}

// File names (not paths) of the images in `folder`, sorted.
std::vector<std::string> image_names(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& path : list_image_files(folder.string())) {
    names.push_back(fs::path(path).filename().string());
  }
  return names;
}

class TinyImageNetCSet : public CorruptedSet {
 public:
  explicit TinyImageNetCSet(const std::string& dir) : dir_(dir), root_(dir) {
    std::error_code ec;
    DIGN_CHECK_OPTION(fs::is_directory(root_, ec), "corrupted", dir, ": not a directory");
    corruptions_ = list_subfolders(dir);
    DIGN_CHECK_OPTION(!corruptions_.empty(), "corrupted", dir,
                      ": holds no corruption folder (expected ", kLayout, ")");
    sort_corruption_names(corruptions_);

    // Every corruption must have the first one's severities.
    std::vector<std::string> severity_names;
    for (const auto& corruption : corruptions_) {
      const fs::path folder = root_ / corruption;
      const std::vector<std::string> names = list_subfolders(folder.string());
      for (const auto& name : names) {
        DIGN_CHECK(is_severity_name(name), (folder / name).string(),
                   ": expected only severity folders named 1 to 5 (layout ", kLayout, ")");
      }
      DIGN_CHECK(!names.empty(), folder.string(), ": holds no severity folder (1 to 5; layout ",
                 kLayout, ")");
      if (severity_names.empty()) severity_names = names;
      DIGN_CHECK(names == severity_names, folder.string(), ": severities ", joined(names),
                 " differ from ", (root_ / corruptions_[0]).string(), "'s ",
                 joined(severity_names));
    }
    for (const auto& name : severity_names) severities_.push_back(name[0] - '0');

    // Every severity folder must hold the first one's classes and file names, so that
    // image i is the same picture at every corruption and severity.
    for (const auto& corruption : corruptions_) {
      for (const auto& severity : severity_names)
        add_severity_folder(root_ / corruption / severity);
    }
  }

  void read(size_t c, size_t s, int64_t begin, int64_t count, uint8_t* out) const override {
    DIGN_CHECK_OPTION(c < corruptions_.size() && s < severities_.size() && begin >= 0 &&
                          count >= 0 && begin + count <= size(),
                      "corrupted", dir_, ": read outside the set");
    const fs::path folder = root_ / corruptions_[c] / std::to_string(severities_[s]);
    for (int64_t i = 0; i < count; ++i) {
      // Decoded here, not when opened: 750,000 images would not fit in memory.
      const std::string path = image_path(folder, begin + i);
      const std::vector<uint8_t> bytes = read_file(path);
      const cv::Mat bgr = decode_image_bytes(bytes.data(), bytes.size(), path);
      check_size(bgr.cols, bgr.rows, path);
      store_rgb(bgr, out + i * image_bytes());
    }
  }

  nlohmann::json describe() const override {
    return {{"source", "directory"}, {"path", dir_}, {"layout", "tiny-imagenet-c"}};
  }

 private:
  std::string image_path(const fs::path& severity_folder, int64_t index) const {
    const auto i = static_cast<size_t>(index);
    return (severity_folder / folders_[static_cast<size_t>(folder_of_[i])] / files_[i]).string();
  }

  void check_size(int64_t width, int64_t height, const std::string& path) const {
    DIGN_CHECK_OPTION(width == width_ && height == height_, "corrupted", dir_,
                      ": images differ in size: ", reference_image_, " is ", width_, "x", height_,
                      " but ", path, " is ", width, "x", height);
  }

  // The size a file's header claims, without decoding it.
  void check_header(const std::string& path) {
    const std::vector<uint8_t> bytes = read_file(path);
    int width = 0, height = 0;
    DIGN_CHECK(read_image_header(bytes.data(), bytes.size(), width, height), path,
               ": not a readable PNG or JPEG image (no valid header)");
    if (reference_image_.empty()) {
      DIGN_CHECK(image_size_allowed(width, height), path, ": header claims ", width, "x", height,
                 " pixels; refusing images over ", kMaxImageSide, " pixels on a side");
      reference_image_ = path;
      width_ = width;
      height_ = height;
    }
    check_size(width, height, path);
  }

  // The first severity folder defines the classes and files; every other must match it.
  void add_severity_folder(const fs::path& folder) {
    const std::vector<std::string> classes = list_subfolders(folder.string());
    if (reference_folder_.empty()) {
      DIGN_CHECK(!classes.empty(), folder.string(), ": holds no class folder (layout ", kLayout,
                 ")");
      folders_ = classes;
      class_names_ = classes;
      for (size_t k = 0; k < classes.size(); ++k) {
        const std::vector<std::string> names = image_names(folder / classes[k]);
        DIGN_CHECK(!names.empty(), (folder / classes[k]).string(),
                   ": class folder holds no .jpg, .jpeg or .png image");
        class_begin_.push_back(files_.size());
        files_.insert(files_.end(), names.begin(), names.end());
        folder_of_.insert(folder_of_.end(), names.size(), static_cast<int32_t>(k));
        labels_.insert(labels_.end(), names.size(), static_cast<int64_t>(k));
      }
      class_begin_.push_back(files_.size());
      reference_folder_ = folder.string();
    } else {
      DIGN_CHECK(classes == folders_, folder.string(), ": class folders differ from ",
                 reference_folder_, "'s (", first_difference(classes, folders_), ")");
      for (size_t k = 0; k < classes.size(); ++k) {
        const std::vector<std::string> names = image_names(folder / classes[k]);
        const std::vector<std::string> expected(
            files_.begin() + static_cast<std::ptrdiff_t>(class_begin_[k]),
            files_.begin() + static_cast<std::ptrdiff_t>(class_begin_[k + 1]));
        DIGN_CHECK(names == expected, (folder / classes[k]).string(), ": image files differ from ",
                   (fs::path(reference_folder_) / classes[k]).string(), "'s (",
                   first_difference(names, expected), ")");
      }
    }
    // A whole corruption at another size shows in its first image; the rest are checked
    // as they are decoded (reading every header up front would open every file twice).
    check_header(image_path(folder, 0));
  }

  std::string dir_;
  fs::path root_;
  std::string reference_folder_;      // the first severity folder
  std::string reference_image_;       // its first image, whose size every image must have
  std::vector<std::string> folders_;  // class folder names, sorted
  std::vector<size_t> class_begin_;   // index of each class's first file, and the end
  std::vector<std::string> files_;    // file names in reader order
  std::vector<int32_t> folder_of_;    // the class folder of each file (labels may be remapped)
};

}  // namespace

bool looks_like_tiny_imagenet_c(const std::string& dir) {
  try {
    for (const auto& corruption : list_subfolders(dir)) {
      for (const auto& name : list_subfolders((fs::path(dir) / corruption).string())) {
        if (is_severity_name(name)) return true;
      }
    }
  } catch (const Error&) {
    // Unlistable: not this layout.
  }
  return false;
}

std::unique_ptr<CorruptedSet> open_tiny_imagenet_c(const std::string& dir) {
  return std::make_unique<TinyImageNetCSet>(dir);
}

}  // namespace dign::data
