#pragma once
// A contact sheet of one image under corruptions x severities, like Figure 3 of the
// DiGN paper, for checking by eye that every corruption looks like its CIFAR-10-C
// counterpart. LibTorch-free.
//
//   const cv::Mat sheet = preview_grid(rgb, {"snow", "fog"}, {1, 3, 5}, /*seed=*/0,
//                                      /*index=*/0, Context{}, /*scale=*/4);
//   write_png("preview.png", sheet);
//
// Layout (PreviewLayout): a header row of column labels ("clean", "1", "3", "5"), then one
// row per corruption with its name on the left. Column 0 repeats the clean image in every
// row so each corrupted cell sits next to its reference.
#include <opencv2/core.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "corrupt/corruption.h"

namespace dign::corrupt {

/// Where each cell of a preview grid lies, in pixels of the output image.
struct PreviewLayout {
  int cell_width = 0;     ///< image width x scale
  int cell_height = 0;    ///< image height x scale
  int gap = 0;            ///< white space between and around cells
  int label_width = 0;    ///< the row-label column (widest corruption name)
  int header_height = 0;  ///< the column-label row
  int rows = 0;           ///< number of corruptions
  int columns = 0;        ///< 1 (clean) + number of severities

  /// The cell of corruption `row` (0-based) and column `column` (0 = clean,
  /// 1 + j = severities[j]).
  cv::Rect cell(int row, int column) const;
  cv::Size size() const;
};

/// The layout preview_grid uses for these inputs (checks the same preconditions).
PreviewLayout preview_layout(cv::Size image, const std::vector<std::string>& corruptions,
                             const std::vector<int>& severities, int scale);

/// rgb: uint8 [H,W,3] RGB. Each cell is corrupt_image(find_corruption(name), rgb,
/// severity, seed, index, context), exactly as evaluation generates it, upscaled by
/// `scale` (>= 1) with nearest-neighbour so single pixels stay visible.
/// Returns uint8 [layout.size(), 3] RGB on white with black labels.
/// Throws dign::Error for an unknown corruption name (listing the known ones), a
/// severity outside 1..5, an empty list, a bad scale or a result over 2^28 pixels.
cv::Mat preview_grid(const cv::Mat& rgb, const std::vector<std::string>& corruptions,
                     const std::vector<int>& severities, uint64_t seed, int64_t index,
                     const Context& context, int scale);

/// PNG bytes of a uint8 [H,W,3] RGB (or [H,W] gray) image; OpenCV wants BGR, converted here.
std::vector<uint8_t> encode_png(const cv::Mat& rgb);

/// Writes encode_png(rgb) to `path` atomically (write_file_atomic); errors name the file.
void write_png(const std::string& path, const cv::Mat& rgb);

}  // namespace dign::corrupt
