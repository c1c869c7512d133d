#include "data/tiny_imagenet.h"

#include <filesystem>
#include <map>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/file_io.h"

namespace dign::data {
namespace fs = std::filesystem;

namespace {

std::string trim(const std::string& s) {
  const char* space = " \t\r\n\f\v";
  const size_t begin = s.find_first_not_of(space);
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (;;) {
    const size_t end = line.find('\t', start);
    fields.push_back(trim(line.substr(start, end == std::string::npos ? end : end - start)));
    if (end == std::string::npos) return fields;
    start = end + 1;
  }
}

bool dir_exists(const fs::path& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

bool file_exists(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

}  // namespace

bool looks_like_tiny_imagenet(const std::string& dir) {
  const fs::path root(dir);
  return file_exists(root / "wnids.txt") && dir_exists(root / "train");
}

Dataset read_tiny_imagenet(const std::string& dir, const ImageFolderOptions& options) {
  const fs::path root(dir);
  const fs::path wnids_path = root / "wnids.txt";

  // Class order as given in wnids.txt (not sorted), blank lines skipped.
  std::vector<std::string> wnids;
  std::map<std::string, int64_t> index;
  const std::vector<std::string> wnid_lines = split_lines(read_text_file(wnids_path.string()));
  for (size_t l = 0; l < wnid_lines.size(); ++l) {
    const std::string wnid = trim(wnid_lines[l]);
    if (wnid.empty()) continue;
    const bool added = index.emplace(wnid, static_cast<int64_t>(wnids.size())).second;
    DIGN_CHECK(added, wnids_path.string(), ":", l + 1, ": wnid ", wnid, " is listed twice");
    wnids.push_back(wnid);
  }
  DIGN_CHECK(!wnids.empty(), wnids_path.string(), ": lists no wnid");

  std::vector<std::string> train_files;
  std::vector<int64_t> train_labels;
  for (size_t c = 0; c < wnids.size(); ++c) {
    const fs::path images = root / "train" / wnids[c] / "images";
    DIGN_CHECK(dir_exists(images), images.string(), ": missing (wnid ", wnids[c], " is listed in ",
               wnids_path.string(), ")");
    const std::vector<std::string> files = list_image_files(images.string());
    DIGN_CHECK(!files.empty(), images.string(),
               ": class folder holds no .jpg, .jpeg or .png image");
    train_files.insert(train_files.end(), files.begin(), files.end());
    train_labels.insert(train_labels.end(), files.size(), static_cast<int64_t>(c));
  }

  // val/val_annotations.txt: "<file>\t<wnid>\t<x0>\t<y0>\t<x1>\t<y1>"; the
  // bounding box is not used. A std::map keeps the files sorted by name.
  const fs::path val_images = root / "val" / "images";
  const fs::path annotations = root / "val" / "val_annotations.txt";
  DIGN_CHECK(dir_exists(val_images), val_images.string(), ": missing (the labelled split)");
  std::map<std::string, int64_t> val_labels;
  const std::vector<std::string> lines = split_lines(read_text_file(annotations.string()));
  for (size_t l = 0; l < lines.size(); ++l) {
    if (trim(lines[l]).empty()) continue;
    const std::string where = detail::concat(annotations.string(), ":", l + 1);
    const std::vector<std::string> fields = split_tabs(lines[l]);
    DIGN_CHECK(fields.size() >= 2, where, ": expected <file><TAB><wnid>..., got '", trim(lines[l]),
               "'");
    const std::string& file = fields[0];
    // A plain file name: the annotations must not point outside val/images.
    DIGN_CHECK(!file.empty() && file != "." && file != ".." &&
                   file.find('/') == std::string::npos && file.find('\\') == std::string::npos,
               where, ": '", file, "' is not a file name");
    const auto label = index.find(fields[1]);
    DIGN_CHECK(label != index.end(), where, ": ", file, " has wnid '", fields[1],
               "', which is not in ", wnids_path.string());
    DIGN_CHECK(file_exists(val_images / file), where, ": ", (val_images / file).string(),
               " does not exist");
    DIGN_CHECK(val_labels.emplace(file, label->second).second, where, ": ", file,
               " is annotated twice");
  }
  // Every image must be labelled; silently dropping some would change the test set.
  for (const std::string& path : list_image_files(val_images.string())) {
    DIGN_CHECK(val_labels.count(fs::path(path).filename().string()) == 1, path, ": has no line in ",
               annotations.string());
  }
  DIGN_CHECK(!val_labels.empty(), annotations.string(), ": annotates no image");
  std::vector<std::string> val_files;
  std::vector<int64_t> val_label_list;
  for (const auto& [file, label] : val_labels) {
    val_files.push_back((val_images / file).string());
    val_label_list.push_back(label);
  }

  Dataset data;
  data.name = "tiny-imagenet";
  data.format = "tiny-imagenet";
  data.path = dir;
  data.train = decode_images(train_files, train_labels, wnids, options, /*training=*/true);
  data.test =
      decode_images(val_files, val_label_list, wnids, options, /*training=*/false, &data.train);
  return data;
}

}  // namespace dign::data
