#include "data/image_folder.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <system_error>
#include <thread>

#include "core/error.h"
#include "core/file_io.h"
#include "data/image_header.h"
#include "data/pil_resize.h"

namespace dign::data {
namespace fs = std::filesystem;

namespace {

bool is_hidden(const std::string& name) {
  return !name.empty() && name[0] == '.';
}

bool dir_exists(const fs::path& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

// Names of the entries of `dir` that are directories (or regular files),
// sorted, hidden ones skipped.
std::vector<std::string> list_entries(const fs::path& dir, bool directories) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  DIGN_CHECK(!ec, dir.string(), ": cannot list folder (", ec.message(), ")");
  std::vector<std::string> names;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    DIGN_CHECK(!ec, dir.string(), ": cannot list folder (", ec.message(), ")");
    const std::string name = it->path().filename().string();
    if (is_hidden(name)) continue;
    std::error_code type_ec;
    const bool wanted = directories ? it->is_directory(type_ec) : it->is_regular_file(type_ec);
    if (wanted) names.push_back(name);
  }
  DIGN_CHECK(!ec, dir.string(), ": cannot list folder (", ec.message(), ")");
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

cv::Mat decode_image_bytes(const uint8_t* bytes, size_t size, const std::string& source) {
  int width = 0;
  int height = 0;
  DIGN_CHECK(read_image_header(bytes, size, width, height), source,
             ": not a readable PNG or JPEG image (no valid header)");
  DIGN_CHECK(image_size_allowed(width, height), source, ": header claims ", width, "x", height,
             " pixels; refusing images over ", kMaxImageSide, " pixels on a side or ",
             kMaxImagePixels, " pixels in total");
  DIGN_CHECK(size <= static_cast<size_t>(std::numeric_limits<int>::max()), source,
             ": file too large (", size, " bytes)");
  const cv::Mat encoded(1, static_cast<int>(size), CV_8UC1, const_cast<uint8_t*>(bytes));
  cv::Mat image;
  try {
    // IMREAD_COLOR: gray -> 3 channels, alpha dropped, 16-bit -> 8-bit.
    image = cv::imdecode(encoded, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
  } catch (const cv::Exception& e) {
    throw Error(detail::concat(source, ": cannot decode image (", e.what(), ")"));
  }
  DIGN_CHECK(!image.empty() && image.type() == CV_8UC3, source,
             ": cannot decode image (corrupt or unsupported)");
  // The limit above only holds if the decoder used the header we checked.
  DIGN_CHECK(image.cols == width && image.rows == height, source, ": decoded ", image.cols, "x",
             image.rows, " pixels but the header claims ", width, "x", height);
  return image;
}

namespace {

cv::Mat decode_file(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path);
  return decode_image_bytes(bytes.data(), bytes.size(), path);
}

// torchvision's Resize(side) + CenterCrop(side): shorter side to `side`
// (INTER_AREA when shrinking, INTER_LINEAR when growing), then the central
// side x side square.
cv::Mat resize_and_crop(const cv::Mat& image, int side, const std::string& path) {
  const int64_t h = image.rows;
  const int64_t w = image.cols;
  const int64_t shorter = std::min(h, w);
  const int64_t longer = std::max(h, w) * side / shorter;  // truncates, as torchvision
  // A 1x16384 strip resized to side 256 would be 4M pixels wide: refuse.
  DIGN_CHECK(longer <= kMaxImageSide && longer * side <= kMaxImagePixels, path, ": a ", w, "x", h,
             " image resized to a shorter side of ", side, " would be ", longer,
             " pixels long; aspect ratio too extreme");
  const int new_h = static_cast<int>(h <= w ? side : longer);
  const int new_w = static_cast<int>(h <= w ? longer : side);
  cv::Mat resized = image;
  if (new_h != h || new_w != w) {
    const int interpolation = side < shorter ? cv::INTER_AREA : cv::INTER_LINEAR;
    cv::resize(image, resized, cv::Size(new_w, new_h), 0, 0, interpolation);
  }
  const int top = (new_h - side) / 2;
  const int left = (new_w - side) / 2;
  return resized(cv::Rect(left, top, side, side));
}

// torchvision's Resize(resize) + CenterCrop(side) with Pillow's filter (pil_resize.h), after the
// same check on the resized size as resize_and_crop.
cv::Mat imagenet_crop(const cv::Mat& image, int resize, int side, const std::string& path) {
  const cv::Size size = shorter_side_size(image.cols, image.rows, resize);
  const int64_t longer = std::max(size.width, size.height);
  DIGN_CHECK(longer <= kMaxImageSide && longer * resize <= kMaxImagePixels, path, ": a ",
             image.cols, "x", image.rows, " image resized to a shorter side of ", resize,
             " would be ", longer, " pixels long; aspect ratio too extreme");
  return imagenet_eval_crop(image, resize, side);
}

std::string size_text(int64_t width, int64_t height) {
  return std::to_string(width) + "x" + std::to_string(height);
}

int64_t stored_side(const ImageFolderOptions& options, bool training) {
  if (options.image_size == 0) return 0;
  if (!training) return options.image_size;
  // Room for the random resized crop of the training transform (256 for 224).
  return std::lround(static_cast<double>(options.image_size) * 8.0 / 7.0);
}

void validate(const ImageFolderOptions& options) {
  DIGN_CHECK(options.image_size >= 0 && options.image_size <= kMaxImageSide,
             "image_size must be 0 (native size) or in [1, ", kMaxImageSide, "], got ",
             options.image_size);
  DIGN_CHECK_OPTION(options.resize == 0 || options.image_size > 0, "resize",
                    "needs --image-size, the side of the centre crop after the resize (the "
                    "ImageNet evaluation crop: --resize 256 --image-size 224)");
  DIGN_CHECK_OPTION(options.resize == 0 ||
                        (options.resize >= options.image_size && options.resize <= kMaxImageSide),
                    "resize", "expected 0 (none) or a shorter side from --image-size (",
                    options.image_size, ") to ", kMaxImageSide, ", got ", options.resize);
  DIGN_CHECK(options.threads >= 1 && options.threads <= 1024, "threads must be in [1, 1024], got ",
             options.threads);
}

// The class folders of one split, each file labelled by its folder's index.
struct FileList {
  std::vector<std::string> files;
  std::vector<int64_t> labels;
};

void add_class_folder(const fs::path& folder, int64_t label, FileList& list) {
  const std::vector<std::string> files = list_image_files(folder.string());
  DIGN_CHECK(!files.empty(), folder.string(), ": class folder holds no .jpg, .jpeg or .png image");
  list.files.insert(list.files.end(), files.begin(), files.end());
  list.labels.insert(list.labels.end(), files.size(), label);
}

}  // namespace

bool has_image_extension(const std::string& file_name) {
  const size_t dot = file_name.rfind('.');
  if (dot == std::string::npos) return false;
  std::string ext = file_name.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == "jpg" || ext == "jpeg" || ext == "png";
}

std::vector<std::string> list_image_files(const std::string& dir) {
  std::vector<std::string> files;
  for (const std::string& name : list_entries(dir, /*directories=*/false)) {
    if (has_image_extension(name)) files.push_back((fs::path(dir) / name).string());
  }
  return files;
}

std::vector<std::string> list_subfolders(const std::string& dir) {
  return list_entries(dir, /*directories=*/true);
}

void store_rgb(const cv::Mat& bgr, uint8_t* out) {
  cv::Mat rgb(bgr.rows, bgr.cols, CV_8UC3, out);
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  // cvtColor reuses `rgb` when size and type match; guard against a silent reallocation.
  if (rgb.data != out) {
    const cv::Mat wrapped(bgr.rows, bgr.cols, CV_8UC3, out);
    rgb.copyTo(wrapped);
  }
}

ImageSet decode_images(const std::vector<std::string>& files, const std::vector<int64_t>& labels,
                       const std::vector<std::string>& class_names,
                       const ImageFolderOptions& options, bool training,
                       const ImageSet* size_reference) {
  validate(options);
  DIGN_CHECK(files.size() == labels.size(), "decode_images: ", files.size(), " files but ",
             labels.size(), " labels");
  ImageSet set;
  set.class_names = class_names;
  if (training && options.test_only) return set;
  const int64_t n = static_cast<int64_t>(files.size());
  set.labels = labels;
  set.sources = files;

  // Fix the stored size before decoding in parallel, so every image has its
  // slot in one buffer. With native sizes it is the reference image's size.
  const int64_t side = stored_side(options, training);
  std::string reference_file;
  int64_t start = 0;
  cv::Mat first;
  if (side > 0) {
    set.height = set.width = side;
  } else if (size_reference != nullptr && size_reference->size() > 0) {
    set.height = size_reference->height;
    set.width = size_reference->width;
    reference_file = size_reference->sources.empty() ? "the first training image"
                                                     : size_reference->sources.front();
  } else if (n > 0) {
    first = decode_file(files[0]);
    set.height = first.rows;
    set.width = first.cols;
    reference_file = files[0];
  }
  try {
    set.pixels.resize(static_cast<size_t>(n * set.image_bytes()));
  } catch (const std::bad_alloc&) {
    throw Error(detail::concat("decoding ", n, " images of ", size_text(set.width, set.height),
                               " needs ", n * set.image_bytes() / (1 << 20),
                               " MiB, more than is available; pass a smaller --image-size"));
  }
  if (!first.empty()) {
    store_rgb(first, set.image(0));
    first.release();
    start = 1;
  }

  auto decode_one = [&](int64_t i) {
    const std::string& path = files[static_cast<size_t>(i)];
    const cv::Mat image = decode_file(path);
    if (side > 0 && options.resize > 0 && !training) {
      store_rgb(
          imagenet_crop(image, static_cast<int>(options.resize), static_cast<int>(side), path),
          set.image(i));
    } else if (side > 0) {
      store_rgb(resize_and_crop(image, static_cast<int>(side), path), set.image(i));
    } else {
      DIGN_CHECK(image.rows == set.height && image.cols == set.width,
                 "images differ in size: ", reference_file, " is ",
                 size_text(set.width, set.height), " but ", path, " is ",
                 size_text(image.cols, image.rows), "; pass --image-size N");
      store_rgb(image, set.image(i));
    }
  };

  // Work is handed out in index order; the error reported is the one of the
  // lowest failing index, so it does not depend on the thread count.
  std::atomic<int64_t> next{start};
  std::atomic<int64_t> first_error{n};
  std::mutex error_mutex;
  std::string error_message;
  auto worker = [&]() {
    for (;;) {
      const int64_t i = next.fetch_add(1);
      if (i >= n || i > first_error.load()) return;
      try {
        decode_one(i);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (i < first_error.load()) {
          first_error.store(i);
          error_message = dynamic_cast<const Error*>(&e) != nullptr
                              ? e.what()
                              : detail::concat(files[static_cast<size_t>(i)], ": ", e.what());
        }
      }
    }
  };
  // The calling thread is one of the workers; if the system refuses to start
  // more, fewer threads give the same result.
  const int64_t count = std::min<int64_t>(options.threads, n - start);
  std::vector<std::thread> pool;
  try {
    for (int64_t t = 1; t < count; ++t) pool.emplace_back(worker);
  } catch (const std::system_error&) {
  }
  worker();
  for (auto& thread : pool) thread.join();
  if (first_error.load() < n) throw Error(error_message);
  return set;
}

bool looks_like_image_folder(const std::string& dir) {
  const fs::path root(dir);
  if (!dir_exists(root / "train")) return false;
  if (!dir_exists(root / "test") && !dir_exists(root / "val")) return false;
  try {
    return !list_entries(root / "train", /*directories=*/true).empty();
  } catch (const Error&) {
    return false;
  }
}

Dataset read_image_folder(const std::string& dir, const ImageFolderOptions& options) {
  validate(options);
  const fs::path root(dir);
  const fs::path train_dir = root / "train";
  DIGN_CHECK(dir_exists(train_dir), dir, ": expected a train/ folder of class folders");
  const fs::path test_dir = dir_exists(root / "test") ? root / "test" : root / "val";
  DIGN_CHECK(dir_exists(test_dir), dir, ": expected a test/ or val/ folder beside train/");

  const std::vector<std::string> classes = list_entries(train_dir, /*directories=*/true);
  DIGN_CHECK(!classes.empty(), train_dir.string(), ": holds no class folders");
  std::map<std::string, int64_t> index;
  FileList train;
  for (size_t c = 0; c < classes.size(); ++c) {
    index[classes[c]] = static_cast<int64_t>(c);
    add_class_folder(train_dir / classes[c], static_cast<int64_t>(c), train);
  }

  // Test folders may be a subset of the training classes, never a new class.
  const std::vector<std::string> test_classes = list_entries(test_dir, /*directories=*/true);
  DIGN_CHECK(!test_classes.empty(), test_dir.string(), ": holds no class folders");
  FileList test;
  for (const std::string& name : test_classes) {
    const auto found = index.find(name);
    DIGN_CHECK(found != index.end(), (test_dir / name).string(), ": class folder not found in ",
               train_dir.string(), " (", classes.size(), " training classes)");
    add_class_folder(test_dir / name, found->second, test);
  }

  Dataset data;
  data.name = "imagefolder";
  data.format = "imagefolder";
  data.path = dir;
  data.train = decode_images(train.files, train.labels, classes, options, /*training=*/true);
  data.test =
      decode_images(test.files, test.labels, classes, options, /*training=*/false, &data.train);
  return data;
}

}  // namespace dign::data
