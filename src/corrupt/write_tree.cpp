#include "corrupt/write_tree.h"

#include <fcntl.h>
#include <unistd.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <system_error>

#include "core/error.h"
#include "core/file_io.h"
#include "core/parallel.h"
#include "core/version.h"
#include "data/image_folder.h"

namespace dign::corrupt {

namespace fs = std::filesystem;

namespace {

// Images per read: enough to keep every generation and encoding thread busy.
constexpr int64_t kChunk = 256;

bool is_jpeg_name(const std::string& name) {
  std::string ext = fs::path(name).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".jpg" || ext == ".jpeg";
}

void check_folder_name(const std::string& name) {
  DIGN_CHECK_OPTION(!name.empty() && name != "." && name != ".." && name[0] != '.' &&
                        name.find('/') == std::string::npos && name.find('\0') == std::string::npos,
                    "layout", "class name '", name,
                    "' cannot name a class folder of the image tree; write the .npy layout "
                    "(--layout npy) instead");
}

// True when `dir` holds a manifest.json of a tree dign wrote (then its folders may be replaced).
bool holds_dign_tree(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(dir / "manifest.json", ec)) return false;
  try {
    const auto manifest = nlohmann::json::parse(read_text_file((dir / "manifest.json").string()));
    return manifest.value("layout", "") == "imagenet-c" && manifest.contains("tool") &&
           manifest["tool"].value("name", "") == "dign";
  } catch (const std::exception&) {
    return false;
  }
}

// Creates `dir`, refuses folders this run would not write (or, outside a tree dign wrote,
// would overwrite), removes the old manifest first and then the folders this run rewrites.
void prepare_directory(const fs::path& dir, const std::vector<std::string>& corruptions) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  DIGN_CHECK_OPTION(fs::is_directory(dir), "out", dir.string(), ": cannot create the directory (",
                    ec.message(), ")");
  const bool ours = holds_dign_tree(dir);
  for (const auto& name : data::list_subfolders(dir.string())) {
    const bool written =
        std::find(corruptions.begin(), corruptions.end(), name) != corruptions.end();
    DIGN_CHECK_OPTION(written, "out", dir.string(), ": holds the folder ", name,
                      ", which this run would not replace and which would count as a corruption "
                      "when the directory is evaluated; remove it or choose another --out");
    DIGN_CHECK_OPTION(ours, "out", dir.string(), ": holds the folder ", name,
                      ", which this run would overwrite, and no manifest.json of a tree dign "
                      "wrote; remove it or choose another --out");
  }
  fs::remove(dir / "manifest.json");
  for (const auto& name : corruptions) fs::remove_all(dir / name);
}

// Writes `bytes` to a hidden temporary name beside `path`, then renames it: the reader skips
// hidden files, so a crash never leaves a half-written image where it looks. (No fsync per
// file: the tree is flushed once before its manifest is written.)
void write_image_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  const fs::path target(path);
  const std::string tmp =
      (target.parent_path() / ("." + target.filename().string() + ".tmp")).string();
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.close();
    DIGN_CHECK(out.good(), path, ": cannot write the image file (disk full or not writable?)");
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  DIGN_CHECK(!ec, path, ": cannot rename its temporary file (", ec.message(), ")");
}

std::vector<uint8_t> encode(const uint8_t* rgb_bytes, int height, int width, int quality) {
  const cv::Mat rgb(height, width, CV_8UC3, const_cast<uint8_t*>(rgb_bytes));
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  std::vector<uint8_t> bytes;
  // PIL's save(quality=85, optimize=True): the IJG tables scaled by 85, 4:2:0 chroma (also
  // OpenCV's defaults); optimize only rebuilds the Huffman tables.
  const bool ok =
      quality > 0 ? cv::imencode(".jpg", bgr, bytes,
                                 {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_JPEG_OPTIMIZE, 1})
                  : cv::imencode(".png", bgr, bytes);
  DIGN_CHECK(ok, "corrupted tree: OpenCV could not encode an image");
  return bytes;
}

// Flushes the file system holding `dir` (all image files) before the manifest vouches for them.
void flush_file_system(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::syncfs(fd);
    ::close(fd);
  }
}

}  // namespace

TreeNames tree_names(const data::ImageSet& images, bool jpeg) {
  TreeNames names;
  std::map<std::pair<std::string, std::string>, int64_t> seen;
  for (int64_t i = 0; i < images.size(); ++i) {
    const auto label = static_cast<size_t>(images.labels[static_cast<size_t>(i)]);
    DIGN_CHECK(label < images.class_names.size(), "corrupted tree: image ", i, " has label ", label,
               " but there are ", images.class_names.size(), " class names");
    const std::string& folder = images.class_names[label];
    check_folder_name(folder);
    const std::string source =
        images.sources.empty() ? std::string() : images.sources[static_cast<size_t>(i)];
    const std::string base = fs::path(source).filename().string();
    std::string file;
    if (!base.empty() && base[0] != '.' && data::has_image_extension(base)) {
      const std::string stem = fs::path(base).stem().string();
      file = jpeg ? (is_jpeg_name(base) ? base : stem + ".JPEG") : stem + ".png";
    } else {
      char index[32];
      std::snprintf(index, sizeof(index), "%08lld", static_cast<long long>(i));
      file = std::string(index) + (jpeg ? ".JPEG" : ".png");
    }
    const auto [at, fresh] = seen.emplace(std::make_pair(folder, file), i);
    DIGN_CHECK_OPTION(fresh, "layout", "images ", at->second, " (",
                      images.sources.empty() ? "" : images.sources[static_cast<size_t>(at->second)],
                      ") and ", i, " (", source, ") would both be written as ", folder, "/", file);
    names.folders.push_back(folder);
    names.files.push_back(file);
  }
  return names;
}

void write_corrupted_tree(const data::ImageSet& images, const GenerateOptions& options,
                          const std::string& dir_name, const nlohmann::json& source,
                          Progress& progress) {
  DIGN_CHECK(images.size() > 0, "corruptions: the test set is empty");
  const GenerateOptions wanted = resolved(options, table_for_size(images.height, images.width));
  const int quality = wanted.final_jpeg_quality;
  // The set without the final save: the save is the file itself, made once below.
  GenerateOptions unsaved = wanted;
  unsaved.final_jpeg_quality = 0;
  const auto set = generate_corrupted(images, unsaved);
  const TreeNames names = tree_names(images, quality > 0);

  const fs::path dir(dir_name);
  prepare_directory(dir, set->corruptions());
  const int64_t n = set->size();
  const int h = static_cast<int>(set->height()), w = static_cast<int>(set->width());
  const auto start = std::chrono::steady_clock::now();
  std::vector<uint8_t> chunk(static_cast<size_t>(std::min(kChunk, n) * set->image_bytes()));
  for (size_t c = 0; c < set->corruptions().size(); ++c) {
    for (size_t s = 0; s < set->severities().size(); ++s) {
      const auto begin = std::chrono::steady_clock::now();
      const fs::path folder = dir / set->corruptions()[c] / std::to_string(set->severities()[s]);
      for (const auto& name : names.folders) fs::create_directories(folder / name);
      for (int64_t i = 0; i < n; i += kChunk) {
        const int64_t count = std::min(kChunk, n - i);
        set->read(c, s, i, count, chunk.data());
        parallel_chunks(count, wanted.threads, [&](int64_t from, int64_t to) {
          for (int64_t k = from; k < to; ++k) {
            const auto index = static_cast<size_t>(i + k);
            write_image_file((folder / names.folders[index] / names.files[index]).string(),
                             encode(chunk.data() + k * set->image_bytes(), h, w, quality));
          }
        });
      }
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
      progress.message("wrote " + folder.string() + " (" + std::to_string(n) + " images, " +
                       std::to_string(static_cast<int64_t>(static_cast<double>(n) / seconds)) +
                       " images/s)");
    }
  }
  flush_file_system(dir);
  nlohmann::json generator = set->describe();
  generator["final_jpeg_quality"] = quality > 0 ? nlohmann::json(quality) : nlohmann::json(nullptr);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const nlohmann::json manifest = {
      {"layout", "imagenet-c"},
      {"tree", "<corruption>/<severity>/<class>/<file>"},
      {"file_format", quality > 0 ? "JPEG quality " + std::to_string(quality) +
                                        " (4:2:0 chroma, optimized Huffman tables), saved once "
                                        "after the truncating uint8 cast"
                                  : std::string("PNG (lossless; no final JPEG save)")},
      {"corruptions", set->corruptions()},
      {"severities", set->severities()},
      {"images_per_severity", n},
      {"image_size", {set->height(), set->width()}},
      {"source", source},
      {"generator", generator},
      {"tool", {{"name", "dign"}, {"version", version()}, {"git_commit", git_commit()}}},
      {"timing", {{"seconds", seconds}}}};
  write_file_atomic((dir / "manifest.json").string(), manifest.dump(2) + "\n");
}

}  // namespace dign::corrupt
