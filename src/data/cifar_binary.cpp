#include "data/cifar_binary.h"

#include <filesystem>
#include <vector>

#include "core/error.h"
#include "core/file_io.h"

namespace dign::data {
namespace fs = std::filesystem;

namespace {

constexpr int64_t kSide = 32;
constexpr int64_t kPlane = kSide * kSide;    // 1024
constexpr int64_t kImageBytes = 3 * kPlane;  // 3072
constexpr int kCifar10Batches = 5;

const char* const kCifar10Names[10] = {"airplane", "automobile", "bird",  "cat",  "deer",
                                       "dog",      "frog",       "horse", "ship", "truck"};

std::vector<std::string> default_class_names(int label_bytes) {
  if (label_bytes == 1) return std::vector<std::string>(kCifar10Names, kCifar10Names + 10);
  std::vector<std::string> names;
  for (int i = 0; i < 100; ++i) names.push_back("class_" + std::to_string(i));
  return names;
}

bool file_exists(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

enum class Kind { kNone, kCifar10, kCifar100 };

Kind kind_of(const fs::path& dir) {
  if (file_exists(dir / "data_batch_1.bin")) return Kind::kCifar10;
  if (file_exists(dir / "train.bin") && file_exists(dir / "test.bin")) return Kind::kCifar100;
  return Kind::kNone;
}

// Finds the folder holding the batches: `dir` itself or an official subfolder.
// Both subfolders present is ambiguous, so the caller must pick one.
std::pair<fs::path, Kind> resolve(const std::string& dir) {
  const fs::path root(dir);
  const Kind direct = kind_of(root);
  if (direct != Kind::kNone) return {root, direct};
  const fs::path sub10 = root / "cifar-10-batches-bin";
  const fs::path sub100 = root / "cifar-100-binary";
  const Kind kind10 = kind_of(sub10);
  const Kind kind100 = kind_of(sub100);
  DIGN_CHECK(kind10 == Kind::kNone || kind100 == Kind::kNone, dir,
             ": holds both cifar-10-batches-bin/ and cifar-100-binary/; pass one of them");
  if (kind10 != Kind::kNone) return {sub10, kind10};
  if (kind100 != Kind::kNone) return {sub100, kind100};
  return {root, Kind::kNone};
}

void append(ImageSet& into, ImageSet&& from) {
  into.pixels.insert(into.pixels.end(), from.pixels.begin(), from.pixels.end());
  into.labels.insert(into.labels.end(), from.labels.begin(), from.labels.end());
  into.sources.insert(into.sources.end(), std::make_move_iterator(from.sources.begin()),
                      std::make_move_iterator(from.sources.end()));
}

ImageSet read_batch(const fs::path& path, int label_bytes) {
  const std::vector<uint8_t> bytes = read_file(path.string());
  return parse_cifar_batch(bytes.data(), bytes.size(), label_bytes, path.string());
}

std::string trim(const std::string& s) {
  const char* space = " \t\r\n\f\v";
  const size_t begin = s.find_first_not_of(space);
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

// One name per non-empty line (the official files end with blank lines).
std::vector<std::string> read_names(const fs::path& path, size_t expected) {
  const std::string text = read_text_file(path.string());
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string name = trim(text.substr(start, end - start));
    if (!name.empty()) names.push_back(name);
    start = end + 1;
  }
  DIGN_CHECK(names.size() == expected, path.string(), ": expected ", expected,
             " class names (one per line), found ", names.size());
  return names;
}

}  // namespace

ImageSet parse_cifar_batch(const uint8_t* bytes, size_t size, int label_bytes,
                           const std::string& source) {
  DIGN_CHECK(label_bytes == 1 || label_bytes == 2, source, ": label_bytes must be 1 (CIFAR-10) or ",
             "2 (CIFAR-100), got ", label_bytes);
  const size_t record = static_cast<size_t>(label_bytes + kImageBytes);
  DIGN_CHECK(size > 0 && bytes != nullptr, source, ": empty file, expected CIFAR records of ",
             record, " bytes");
  DIGN_CHECK(size % record == 0, source, ": truncated: ", size, " bytes is not a multiple of the ",
             record, "-byte record");
  const int64_t count = static_cast<int64_t>(size / record);
  const int64_t num_classes = label_bytes == 1 ? 10 : 100;

  ImageSet set;
  set.height = kSide;
  set.width = kSide;
  set.class_names = default_class_names(label_bytes);
  set.labels.resize(static_cast<size_t>(count));
  set.pixels.resize(static_cast<size_t>(count * kImageBytes));
  set.sources.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    const uint8_t* in = bytes + static_cast<size_t>(i) * record;
    if (label_bytes == 2) {
      // CIFAR-100 has 20 coarse classes; a larger value means this is not CIFAR-100 data.
      DIGN_CHECK(in[0] < 20, source, ": record ", i, " has coarse label ", int{in[0]},
                 ", expected < 20");
    }
    const int64_t label = in[label_bytes - 1];
    DIGN_CHECK(label < num_classes, source, ": record ", i, " has label ", label, ", expected < ",
               num_classes, label_bytes == 1 ? " (CIFAR-10)" : " (CIFAR-100 fine label)");
    set.labels[static_cast<size_t>(i)] = label;
    // Planar R(1024) G(1024) B(1024) -> interleaved RGB, row-major.
    const uint8_t* planes = in + label_bytes;
    uint8_t* out = set.image(i);
    for (int64_t p = 0; p < kPlane; ++p) {
      out[3 * p + 0] = planes[p];
      out[3 * p + 1] = planes[kPlane + p];
      out[3 * p + 2] = planes[2 * kPlane + p];
    }
    set.sources.push_back(source + "#" + std::to_string(i));
  }
  return set;
}

bool looks_like_cifar_binary(const std::string& dir) {
  try {
    return resolve(dir).second != Kind::kNone;
  } catch (const Error&) {
    return true;  // both subfolders: it is CIFAR; read_cifar_binary explains the ambiguity
  }
}

Dataset read_cifar_binary(const std::string& dir) {
  const auto [root, kind] = resolve(dir);
  DIGN_CHECK(kind != Kind::kNone, dir,
             ": not a CIFAR binary folder: expected data_batch_1.bin (CIFAR-10) or train.bin "
             "and test.bin (CIFAR-100), directly or in cifar-10-batches-bin/ or "
             "cifar-100-binary/");
  Dataset data;
  data.format = "cifar-binary";
  data.path = dir;
  if (kind == Kind::kCifar10) {
    data.name = "cifar10";
    // resolve() found data_batch_1.bin; later batches are used when present.
    for (int b = 1; b <= kCifar10Batches; ++b) {
      const fs::path path = root / ("data_batch_" + std::to_string(b) + ".bin");
      if (b > 1 && !file_exists(path)) continue;
      ImageSet batch = read_batch(path, 1);
      if (b == 1) {
        data.train = std::move(batch);
      } else {
        append(data.train, std::move(batch));
      }
    }
    const fs::path test = root / "test_batch.bin";
    DIGN_CHECK(file_exists(test), test.string(), ": missing (the CIFAR-10 test batch)");
    data.test = read_batch(test, 1);
    const fs::path meta = root / "batches.meta.txt";
    if (file_exists(meta)) data.train.class_names = read_names(meta, 10);
  } else {
    data.name = "cifar100";
    data.train = read_batch(root / "train.bin", 2);
    data.test = read_batch(root / "test.bin", 2);
    const fs::path meta = root / "fine_label_names.txt";
    if (file_exists(meta)) data.train.class_names = read_names(meta, 100);
  }
  data.test.class_names = data.train.class_names;
  return data;
}

}  // namespace dign::data
