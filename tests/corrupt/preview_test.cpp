#include "corrupt/preview.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/file_io.h"
#include "corrupt/registry.h"
#include "test_util.h"

namespace dign::corrupt {
namespace {
using testing::contains;
using testing::error_of;

// A 32x32 image with edges and colour, so every corruption visibly changes it.
cv::Mat test_image() {
  cv::Mat image(32, 32, CV_8UC3);
  for (int y = 0; y < 32; ++y) {
    for (int x = 0; x < 32; ++x) {
      image.at<cv::Vec3b>(y, x) = {static_cast<uint8_t>(x * 8), static_cast<uint8_t>(y * 8),
                                   static_cast<uint8_t>((x / 8 + y / 8) % 2 ? 220 : 30)};
    }
  }
  return image;
}

// Pixel (y, x) of a cell is pixel (y / scale, x / scale) of the small image.
void expect_upscaled(const cv::Mat& cell, const cv::Mat& small, int scale,
                     const std::string& what) {
  ASSERT_EQ(cell.rows, small.rows * scale) << what;
  ASSERT_EQ(cell.cols, small.cols * scale) << what;
  int mismatches = 0;
  for (int y = 0; y < cell.rows; ++y) {
    for (int x = 0; x < cell.cols; ++x) {
      mismatches += cell.at<cv::Vec3b>(y, x) != small.at<cv::Vec3b>(y / scale, x / scale);
    }
  }
  EXPECT_EQ(mismatches, 0) << what;
}

bool all_white(const cv::Mat& region) {
  return cv::countNonZero(region.reshape(1) != 255) == 0;
}

const std::vector<std::string> kNames = {"gaussian_noise", "snow", "pixelate"};
const std::vector<int> kSeverities = {1, 3, 5};

TEST(PreviewGrid, DimensionsFollowFromTheCountsAndTheScale) {
  const cv::Mat image = test_image();
  // Scale 3: 1/3 is inexact in floating point, the case cv::resize's nearest gets wrong.
  const cv::Mat sheet = preview_grid(image, kNames, kSeverities, 0, 0, Context{}, 3);
  const PreviewLayout layout = preview_layout(image.size(), kNames, kSeverities, 3);
  ASSERT_EQ(sheet.type(), CV_8UC3);
  EXPECT_EQ(sheet.size(), layout.size());
  EXPECT_EQ(layout.rows, 3);
  EXPECT_EQ(layout.columns, 4);  // clean + 3 severities
  EXPECT_EQ(layout.cell_width, 96);
  EXPECT_EQ(layout.cell_height, 96);
  // One more severity adds one cell and one gap to the width, nothing to the height;
  // one more corruption (a name no wider than "gaussian_noise") adds a row.
  const auto wider = preview_layout(image.size(), kNames, {1, 2, 3, 5}, 3).size();
  EXPECT_EQ(wider.width, sheet.cols + 96 + layout.gap);
  EXPECT_EQ(wider.height, sheet.rows);
  const auto taller =
      preview_layout(image.size(), {"gaussian_noise", "snow", "pixelate", "fog"}, kSeverities, 3)
          .size();
  EXPECT_EQ(taller.height, sheet.rows + 96 + layout.gap);
  EXPECT_EQ(taller.width, sheet.cols);
  // Doubling the scale doubles every cell; the labels stay the same size.
  const auto doubled = preview_layout(image.size(), kNames, kSeverities, 6).size();
  EXPECT_EQ(doubled.width - sheet.cols, 4 * 96);
  EXPECT_EQ(doubled.height - sheet.rows, 3 * 96);
  // The last cell ends one gap before the edge.
  const cv::Rect last = layout.cell(2, 3);
  EXPECT_EQ(last.x + last.width + layout.gap, sheet.cols);
  EXPECT_EQ(last.y + last.height + layout.gap, sheet.rows);
  EXPECT_TRUE(contains(error_of([&] { layout.cell(3, 0); }), "outside 3 x 4"));
}

TEST(PreviewGrid, EachCellIsThatCorruptionUpscaledAndColumnZeroIsTheCleanImage) {
  const cv::Mat image = test_image();
  constexpr uint64_t kSeed = 11;
  constexpr int64_t kIndex = 5;
  const cv::Mat sheet = preview_grid(image, kNames, kSeverities, kSeed, kIndex, Context{}, 3);
  const PreviewLayout layout = preview_layout(image.size(), kNames, kSeverities, 3);
  for (int r = 0; r < layout.rows; ++r) {
    expect_upscaled(sheet(layout.cell(r, 0)), image, 3, "clean, row " + std::to_string(r));
    for (int j = 0; j < 3; ++j) {
      const cv::Mat expected = corrupt_image(find_corruption(kNames[r]), image, kSeverities[j],
                                             kSeed, kIndex, Context{});
      ASSERT_GT(cv::norm(expected, image, cv::NORM_INF), 0.0) << kNames[r];
      expect_upscaled(sheet(layout.cell(r, j + 1)), expected, 3,
                      kNames[r] + " severity " + std::to_string(kSeverities[j]));
    }
  }
  // Scale 1 is the images themselves.
  const cv::Mat small = preview_grid(image, {"snow"}, {2}, kSeed, kIndex, Context{}, 1);
  const PreviewLayout small_layout = preview_layout(image.size(), {"snow"}, {2}, 1);
  EXPECT_EQ(cv::norm(small(small_layout.cell(0, 0)), image, cv::NORM_INF), 0.0);
  EXPECT_EQ(cv::norm(small(small_layout.cell(0, 1)),
                     corrupt_image(find_corruption("snow"), image, 2, kSeed, kIndex, Context{}),
                     cv::NORM_INF),
            0.0);
}

TEST(PreviewGrid, DrawsRowAndColumnLabelsOutsideTheCells) {
  const cv::Mat image = test_image();
  const cv::Mat sheet = preview_grid(image, kNames, kSeverities, 0, 0, Context{}, 3);
  const PreviewLayout layout = preview_layout(image.size(), kNames, kSeverities, 3);
  for (int c = 0; c < layout.columns; ++c) {
    const cv::Rect cell = layout.cell(0, c);
    EXPECT_FALSE(all_white(sheet(cv::Rect(cell.x, 0, cell.width, layout.header_height))))
        << "no label over column " << c;
  }
  for (int r = 0; r < layout.rows; ++r) {
    const cv::Rect cell = layout.cell(r, 0);
    EXPECT_FALSE(all_white(sheet(cv::Rect(0, cell.y, layout.label_width, cell.height))))
        << "no label on row " << r;
  }
  // The corner above the row labels stays blank.
  EXPECT_TRUE(all_white(sheet(cv::Rect(0, 0, layout.label_width, layout.header_height))));
}

TEST(PreviewGrid, RejectsUnknownNamesBadSeveritiesAndBadScales) {
  const cv::Mat image = test_image();
  auto grid = [&](std::vector<std::string> names, std::vector<int> severities, int scale) {
    return error_of([&] { preview_grid(image, names, severities, 0, 0, Context{}, scale); });
  };
  const std::string unknown = grid({"snow", "rain"}, {1}, 2);
  EXPECT_TRUE(contains(unknown, "'rain'")) << unknown;
  EXPECT_TRUE(contains(unknown, "glass_blur")) << unknown;  // lists the known names
  EXPECT_TRUE(contains(grid({"snow"}, {6}, 2), "1 to 5, got 6"));
  EXPECT_TRUE(contains(grid({"snow"}, {1}, 0), "scale must be 1 to 64, got 0"));
  EXPECT_TRUE(contains(grid({}, {1}, 2), "no corruptions"));
  EXPECT_TRUE(contains(grid({"snow"}, {}, 2), "no severities"));
  const cv::Mat gray(32, 32, CV_8UC1, cv::Scalar(0));
  EXPECT_TRUE(
      contains(error_of([&] { preview_grid(gray, {"snow"}, {1}, 0, 0, Context{}, 2); }), "RGB"));
}

TEST(PreviewPng, RoundTripDecodesToTheSamePixelsInRgbOrder) {
  testing::TempDir dir;
  const cv::Mat sheet = preview_grid(test_image(), kNames, kSeverities, 0, 0, Context{}, 2);
  const std::string path = dir.str("preview.png");
  write_png(path, sheet);
  const std::vector<uint8_t> bytes = read_file(path);
  const cv::Mat bgr = cv::imdecode(bytes, cv::IMREAD_COLOR);
  ASSERT_EQ(bgr.size(), sheet.size());
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  EXPECT_EQ(cv::norm(rgb, sheet, cv::NORM_INF), 0.0);
  // A pure red RGB pixel must come back red, not blue.
  const cv::Mat red(1, 1, CV_8UC3, cv::Scalar(255, 0, 0));
  write_png(path, red);
  const cv::Mat decoded = cv::imdecode(read_file(path), cv::IMREAD_COLOR);
  EXPECT_EQ(decoded.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 255));  // BGR
}

TEST(PreviewPng, ErrorsNameTheFile) {
  testing::TempDir dir;
  const std::string missing = dir.str("no/such/dir/preview.png");
  EXPECT_TRUE(contains(error_of([&] { write_png(missing, test_image()); }), missing));
  const std::string path = dir.str("float.png");
  const cv::Mat floats(4, 4, CV_32FC3);
  const std::string message = error_of([&] { write_png(path, floats); });
  EXPECT_TRUE(contains(message, path)) << message;
  EXPECT_TRUE(contains(message, "uint8")) << message;
}

}  // namespace
}  // namespace dign::corrupt
