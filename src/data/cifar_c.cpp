#include "data/cifar_c.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>

#include "core/error.h"
#include "core/file_io.h"
#include "core/json_checked.h"
#include "core/mapped_file.h"
#include "data/npy.h"

namespace dign::data {

namespace fs = std::filesystem;

namespace {

struct MappedArray {
  std::unique_ptr<MappedFile> file;
  NpyHeader header;
};

// The severities a directory holds: manifest.json's list when `dign corrupt` wrote it,
// else the official layout's 1-5.
std::vector<int> severities_of(const fs::path& dir) {
  const fs::path manifest = dir / "manifest.json";
  if (!fs::exists(manifest)) return {1, 2, 3, 4, 5};
  try {
    const auto j = nlohmann::json::parse(read_text_file(manifest.string()));
    DIGN_CHECK(j.is_object() && j.contains("severities") && j["severities"].is_array(),
               manifest.string(), ": expected a 'severities' array");
    std::vector<int> severities;
    for (const auto& s : j["severities"]) {
      // Checked before converting: a hostile manifest must give an error, not a wrapped value.
      const int64_t severity = json_value_int64(s, manifest.string() + ": a severity");
      DIGN_CHECK(severity >= 1 && severity <= 5, manifest.string(),
                 ": severities must be integers in 1..5, got ", severity);
      severities.push_back(static_cast<int>(severity));
    }
    DIGN_CHECK(!severities.empty() && std::is_sorted(severities.begin(), severities.end()) &&
                   std::adjacent_find(severities.begin(), severities.end()) == severities.end(),
               manifest.string(), ": severities must be increasing and not empty");
    return severities;
  } catch (const nlohmann::json::exception& e) {
    throw Error(detail::concat(manifest.string(), ": not a dign manifest (", e.what(), ")"));
  }
}

class CifarCSet : public CorruptedSet {
 public:
  explicit CifarCSet(const std::string& dir) : dir_(dir) {
    const fs::path root(dir);
    DIGN_CHECK_OPTION(fs::is_directory(root), "corrupted", dir, ": not a directory");
    const fs::path labels_path = root / "labels.npy";
    DIGN_CHECK_OPTION(
        fs::exists(labels_path), "corrupted", dir,
        ": labels.npy is missing (expected the CIFAR-10-C layout: <corruption>.npy and "
        "labels.npy)");
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(root)) {
      const auto& p = entry.path();
      if (entry.is_regular_file() && p.extension() == ".npy" && p.stem() != "labels") {
        names.push_back(p.stem().string());
      }
    }
    DIGN_CHECK_OPTION(!names.empty(), "corrupted", dir,
                      ": no <corruption>.npy file beside labels.npy");
    sort_corruption_names(names);
    severities_ = severities_of(root);
    const auto severity_count = static_cast<int64_t>(severities_.size());

    const NpyArray labels = read_npy(labels_path.string());
    DIGN_CHECK(labels.shape.size() == 1, labels_path.string(), ": expected a 1-d array, got ",
               labels.shape.size(), " dimensions");
    DIGN_CHECK(labels.dtype[0] == 'u' || labels.dtype[0] == 'i', labels_path.string(),
               ": expected integer labels, got dtype ", labels.dtype);
    const int64_t label_count = labels.shape[0];

    for (const auto& name : names) {
      MappedArray a;
      const std::string path = (root / (name + ".npy")).string();
      a.file = std::make_unique<MappedFile>(path);
      a.header = parse_npy_header(a.file->data(), a.file->size(), path);
      const auto& shape = a.header.shape;
      DIGN_CHECK(a.header.dtype == "u1", path, ": expected uint8 images, got dtype ",
                 a.header.dtype);
      DIGN_CHECK(shape.size() == 4 && shape[3] == 3 && shape[1] > 0 && shape[2] > 0, path,
                 ": expected shape (S*N, H, W, 3)");
      if (arrays_.empty()) {
        height_ = shape[1];
        width_ = shape[2];
        DIGN_CHECK(shape[0] % severity_count == 0 && shape[0] > 0, path, ": ", shape[0],
                   " images do not split into ", severity_count, " severities");
        per_severity_ = shape[0] / severity_count;
      }
      DIGN_CHECK(
          shape[0] == per_severity_ * severity_count && shape[1] == height_ && shape[2] == width_,
          path, ": shape (", shape[0], ", ", shape[1], ", ", shape[2],
          ", 3) differs from the other arrays' (", per_severity_ * severity_count, ", ", height_,
          ", ", width_, ", 3)");
      arrays_.push_back(std::move(a));
    }
    corruptions_ = names;
    // labels.npy: one label per row (S*N), or a single severity's N labels.
    DIGN_CHECK(label_count == per_severity_ * severity_count || label_count == per_severity_,
               labels_path.string(), ": ", label_count, " labels for arrays of ",
               per_severity_ * severity_count, " images (", severity_count, " severities of ",
               per_severity_, ")");
    labels_.resize(static_cast<size_t>(per_severity_));
    for (int64_t i = 0; i < per_severity_; ++i) {
      labels_[static_cast<size_t>(i)] = labels.integer_at(i);
      DIGN_CHECK(labels_[static_cast<size_t>(i)] >= 0, labels_path.string(), ": label ", i,
                 " is negative");
    }
    for (int64_t i = per_severity_; i < label_count; ++i) {
      DIGN_CHECK(labels.integer_at(i) == labels_[static_cast<size_t>(i % per_severity_)],
                 labels_path.string(), ": label ", i,
                 " differs from the same image's label at the first severity");
    }
  }

  void read(size_t c, size_t s, int64_t begin, int64_t count, uint8_t* out) const override {
    DIGN_CHECK(c < arrays_.size() && s < severities_.size() && begin >= 0 && count >= 0 &&
                   begin + count <= per_severity_,
               dir_, ": read outside the arrays");
    const auto& a = arrays_[c];
    const int64_t row = static_cast<int64_t>(s) * per_severity_ + begin;
    std::memcpy(out, a.file->data() + a.header.data_offset + row * image_bytes(),
                static_cast<size_t>(count * image_bytes()));
  }

  nlohmann::json describe() const override {
    return {{"source", "directory"}, {"path", dir_}, {"layout", "cifar-c"}};
  }

 private:
  std::string dir_;
  std::vector<MappedArray> arrays_;
  int64_t per_severity_ = 0;
};

}  // namespace

bool looks_like_cifar_c(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec) || !fs::exists(fs::path(dir) / "labels.npy", ec)) return false;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".npy" && entry.path().stem() != "labels") return true;
  }
  return false;
}

std::unique_ptr<CorruptedSet> open_cifar_c(const std::string& dir) {
  return std::make_unique<CifarCSet>(dir);
}

}  // namespace dign::data
