#include "corrupt/write_set.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "core/error.h"
#include "core/file_io.h"
#include "core/version.h"
#include "data/npy.h"

namespace dign::corrupt {

namespace fs = std::filesystem;

namespace {

// Images per read: large enough to keep every generation thread busy.
constexpr int64_t kChunk = 1000;

void check_directory(const fs::path& dir, const data::CorruptedSet& set) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  DIGN_CHECK_OPTION(fs::is_directory(dir), "out", dir.string(), ": cannot create the directory (",
                    ec.message(), ")");
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto& p = entry.path();
    if (p.extension() != ".npy" || p.stem() == "labels") continue;
    const auto& names = set.corruptions();
    DIGN_CHECK_OPTION(
        std::find(names.begin(), names.end(), p.stem().string()) != names.end(), "out",
        dir.string(), ": holds ", p.filename().string(),
        ", which this run would not replace and which would count as a corruption when "
        "the directory is evaluated; remove it or choose another --out");
  }
}

}  // namespace

void write_corrupted_set(const data::CorruptedSet& set, const std::string& dir_name,
                         const nlohmann::json& source, Progress& progress) {
  const fs::path dir(dir_name);
  check_directory(dir, set);
  // An old manifest would vouch for arrays being replaced: it goes first, and the new one last.
  fs::remove(dir / "manifest.json");
  const int64_t n = set.size();
  const auto severities = static_cast<int64_t>(set.severities().size());
  const auto start = std::chrono::steady_clock::now();
  for (size_t c = 0; c < set.corruptions().size(); ++c) {
    const auto begin = std::chrono::steady_clock::now();
    data::NpyArray array;
    array.dtype = "u1";
    array.shape = {severities * n, set.height(), set.width(), 3};
    array.data.resize(static_cast<size_t>(severities * n * set.image_bytes()));
    for (int64_t s = 0; s < severities; ++s) {
      for (int64_t i = 0; i < n; i += kChunk) {
        const int64_t count = std::min(kChunk, n - i);
        set.read(c, static_cast<size_t>(s), i, count,
                 array.data.data() + (s * n + i) * set.image_bytes());
      }
    }
    const fs::path path = dir / (set.corruptions()[c] + ".npy");
    data::write_npy(path.string(), array);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    progress.message(
        "wrote " + path.string() + " (" + std::to_string(severities * n) + " images, " +
        std::to_string(static_cast<int64_t>(static_cast<double>(severities * n) / seconds)) +
        " images/s)");
  }
  const int64_t max_label = n > 0 ? *std::max_element(set.labels().begin(), set.labels().end()) : 0;
  data::NpyArray labels;
  labels.dtype = max_label < 256 ? "u1" : "i8";
  labels.shape = {severities * n};
  const int item = max_label < 256 ? 1 : 8;
  labels.data.resize(static_cast<size_t>(severities * n * item));
  for (int64_t s = 0; s < severities; ++s) {
    for (int64_t i = 0; i < n; ++i) {
      const int64_t label = set.labels()[static_cast<size_t>(i)];
      for (int b = 0; b < item; ++b) {
        labels.data[static_cast<size_t>((s * n + i) * item + b)] =
            static_cast<uint8_t>(static_cast<uint64_t>(label) >> (8 * b));
      }
    }
  }
  data::write_npy((dir / "labels.npy").string(), labels);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nlohmann::json manifest = {
      {"layout", "cifar-c"},
      {"corruptions", set.corruptions()},
      {"severities", set.severities()},
      {"images_per_severity", n},
      {"image_size", {set.height(), set.width()}},
      {"labels_dtype", labels.dtype},
      {"source", source},
      {"generator", set.describe()},
      {"tool", {{"name", "dign"}, {"version", version()}, {"git_commit", git_commit()}}},
      {"timing", {{"seconds", seconds}}}};
  write_file_atomic((dir / "manifest.json").string(), manifest.dump(2) + "\n");
}

}  // namespace dign::corrupt
