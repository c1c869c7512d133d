#pragma once
// Reader for torchvision-style image folders, plus the listing and decoding shared
// with the other folder-shaped readers (tiny_imagenet.cpp, tiny_imagenet_c.cpp).
//
//   dir/train/<class>/*.{jpg,jpeg,png}
//   dir/test/<class>/*  (or dir/val/<class>/* when there is no test/)
//
//   Dataset data = read_image_folder(dir, ImageFolderOptions{/*image_size=*/64, /*threads=*/2});
//
// Classes are the sorted folder names of train/; files are sorted by name;
// extensions match case-insensitively; other files, and names starting with
// '.' (.ipynb_checkpoints, macOS "._x.jpg"), are ignored. Grayscale becomes
// RGB, alpha is dropped, EXIF orientation is ignored (as PIL does).
#include <cstdint>
#include <opencv2/core.hpp>

#include <string>
#include <vector>

#include "data/image_set.h"

namespace dign::data {

struct ImageFolderOptions {
  /// Stored image side S; 0 keeps the native size, which must then agree
  /// across all images. With S > 0, test images are resized (shorter side to
  /// S) and centre-cropped to SxS; training images are resized and
  /// centre-cropped to round(S*8/7), leaving room for the random resized crop
  /// of the training transform. Default: 0
  int64_t image_size = 0;
  /// Decoding threads; the result does not depend on it. Default: 1
  int threads = 1;
  /// With image_size S > 0 and R > 0, test images are instead resized with Pillow's
  /// antialiased bilinear filter to a shorter side of R and centre-cropped to S x S, as
  /// torchvision's Resize(R) + CenterCrop(S) (imagenet_eval_crop in pil_resize.h; R = 256,
  /// S = 224 is the ImageNet evaluation crop). R >= S. Training images are unaffected. Default: 0
  int64_t resize = 0;
  /// Leave the training split empty (its classes are still listed). Default: false
  bool test_only = false;
};

/// True if dir/train holds class folders and dir/test or dir/val exists.
/// (Tiny ImageNet also matches: test looks_like_tiny_imagenet first.)
bool looks_like_image_folder(const std::string& dir);

/// Reads dir/train and dir/test (or dir/val); name and format "imagefolder".
Dataset read_image_folder(const std::string& dir, const ImageFolderOptions& options = {});

/// Decodes one PNG or JPEG from memory to 8-bit BGR (OpenCV's order), refusing a header
/// that claims more than kMaxImageSide / kMaxImagePixels BEFORE decoding (OpenCV is
/// not fuzzed or instrumented; a 60000x60000 header must not allocate gigabytes).
/// dign::Error naming `source` for anything else than a decodable image.
cv::Mat decode_image_bytes(const uint8_t* bytes, size_t size, const std::string& source);

/// True for .jpg, .jpeg and .png in any letter case.
bool has_image_extension(const std::string& file_name);

/// The image files (by extension) directly in `dir`, sorted by file name,
/// skipping hidden ones. Throws dign::Error if `dir` cannot be listed.
std::vector<std::string> list_image_files(const std::string& dir);

/// The names (not paths) of the folders directly in `dir`, sorted, skipping hidden
/// ones. Throws dign::Error if `dir` cannot be listed.
std::vector<std::string> list_subfolders(const std::string& dir);

/// Writes a decoded 8-bit BGR image (decode_image_bytes) as RGB HWC bytes to `out`
/// (rows * cols * 3 bytes).
void store_rgb(const cv::Mat& bgr, uint8_t* out);

/// Decodes `files` (PNG or JPEG) into one ImageSet, files[i] labelled
/// labels[i], with `threads` threads and a result independent of it. With
/// options.test_only, a training split comes back empty (class names only).
/// Headers claiming more than kMaxImageSide / kMaxImagePixels are refused
/// before decoding. Resizing follows `options.image_size` (see above;
/// `training` picks the train or test size). With image_size 0, every image
/// must have the size of the first image of `size_reference` if given (pass
/// the training split when decoding the test split), else of files[0].
/// Errors name the file.
ImageSet decode_images(const std::vector<std::string>& files, const std::vector<int64_t>& labels,
                       const std::vector<std::string>& class_names,
                       const ImageFolderOptions& options, bool training,
                       const ImageSet* size_reference = nullptr);

}  // namespace dign::data
