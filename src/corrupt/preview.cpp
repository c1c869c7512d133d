#include "corrupt/preview.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>

#include "core/error.h"
#include "core/file_io.h"
#include "corrupt/registry.h"

namespace dign::corrupt {
namespace {

// Hershey fonts are built into OpenCV: no font files, identical output everywhere.
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
constexpr double kFontScale = 0.45;
constexpr int kThickness = 1;
constexpr int kGap = 4;
constexpr int kTextPad = 6;
constexpr int64_t kMaxPixels = int64_t{1} << 28;  // 1 GiB of RGB: surely a mistake

cv::Size text_size(const std::string& text, int* baseline) {
  return cv::getTextSize(text, kFont, kFontScale, kThickness, baseline);
}

// "severity 3" when it fits over the cell, else just "3" (small scales).
std::string column_label(const std::vector<int>& severities, int column, int cell_width) {
  if (column == 0) return "clean";
  const std::string number = std::to_string(severities[static_cast<size_t>(column - 1)]);
  int baseline = 0;
  const std::string full = "severity " + number;
  return text_size(full, &baseline).width <= cell_width + kGap ? full : number;
}

void draw_text(cv::Mat& image, const std::string& text, cv::Point origin) {
  cv::putText(image, text, origin, kFont, kFontScale, cv::Scalar(0, 0, 0), kThickness, cv::LINE_AA);
}

}  // namespace

cv::Rect PreviewLayout::cell(int row, int column) const {
  DIGN_CHECK(row >= 0 && row < rows && column >= 0 && column < columns, "PreviewLayout::cell: (",
             row, ", ", column, ") outside ", rows, " x ", columns);
  return {label_width + kGap + column * (cell_width + gap),
          header_height + kGap + row * (cell_height + gap), cell_width, cell_height};
}

cv::Size PreviewLayout::size() const {
  return {label_width + kGap + columns * (cell_width + gap),
          header_height + kGap + rows * (cell_height + gap)};
}

PreviewLayout preview_layout(cv::Size image, const std::vector<std::string>& corruptions,
                             const std::vector<int>& severities, int scale) {
  DIGN_CHECK(image.width > 0 && image.height > 0, "preview: empty image");
  DIGN_CHECK(!corruptions.empty(), "preview: no corruptions to show");
  DIGN_CHECK(!severities.empty(), "preview: no severities to show");
  DIGN_CHECK(scale >= 1 && scale <= 64, "preview: scale must be 1 to 64, got ", scale);
  for (const int s : severities) {
    DIGN_CHECK(s >= 1 && s <= 5, "preview: severities must be 1 to 5, got ", s);
  }
  PreviewLayout layout;
  layout.cell_width = image.width * scale;
  layout.cell_height = image.height * scale;
  layout.gap = kGap;
  layout.rows = static_cast<int>(corruptions.size());
  layout.columns = 1 + static_cast<int>(severities.size());
  int baseline = 0;
  int widest = 0;
  for (const auto& name : corruptions) {
    find_corruption(name);  // unknown names fail here, before any work
    widest = std::max(widest, text_size(name, &baseline).width);
  }
  layout.label_width = widest + 2 * kTextPad;
  int tallest = 0;
  for (int c = 0; c < layout.columns; ++c) {
    const cv::Size size = text_size(column_label(severities, c, layout.cell_width), &baseline);
    tallest = std::max(tallest, size.height + baseline);
  }
  layout.header_height = tallest + 2 * kTextPad;
  const cv::Size total = layout.size();
  DIGN_CHECK(static_cast<int64_t>(total.width) * total.height <= kMaxPixels, "preview: a ",
             total.width, " x ", total.height, " image is too large; lower the scale (", scale,
             ")");
  return layout;
}

cv::Mat preview_grid(const cv::Mat& rgb, const std::vector<std::string>& corruptions,
                     const std::vector<int>& severities, uint64_t seed, int64_t index,
                     const Context& context, int scale) {
  DIGN_CHECK(rgb.type() == CV_8UC3, "preview: expected a uint8 HxWx3 RGB image");
  const PreviewLayout layout = preview_layout(rgb.size(), corruptions, severities, scale);
  cv::Mat sheet(layout.size(), CV_8UC3, cv::Scalar(255, 255, 255));
  // Exact integer replication: cv::resize's INTER_NEAREST maps through 1/scale in floating
  // point, which can pick the wrong source pixel at block edges for scales like 3.
  auto place = [&](const cv::Mat& image, int row, int column) {
    cv::Mat cell = sheet(layout.cell(row, column));
    for (int y = 0; y < cell.rows; ++y) {
      const auto* src = image.ptr<cv::Vec3b>(y / scale);
      auto* dst = cell.ptr<cv::Vec3b>(y);
      for (int x = 0; x < cell.cols; ++x) dst[x] = src[x / scale];
    }
  };
  int baseline = 0;
  for (int c = 0; c < layout.columns; ++c) {
    // Centred over its column; a label wider than a small cell simply overhangs.
    const std::string label = column_label(severities, c, layout.cell_width);
    const cv::Size size = text_size(label, &baseline);
    const cv::Rect cell = layout.cell(0, c);
    draw_text(sheet, label,
              {cell.x + (cell.width - size.width) / 2, layout.header_height - kTextPad - baseline});
  }
  for (int r = 0; r < layout.rows; ++r) {
    const std::string& name = corruptions[static_cast<size_t>(r)];
    const Corruption& corruption = find_corruption(name);
    const cv::Rect row_cell = layout.cell(r, 0);
    const cv::Size size = text_size(name, &baseline);
    draw_text(sheet, name,
              {layout.label_width - kTextPad - size.width,
               row_cell.y + (row_cell.height + size.height) / 2});
    place(rgb, r, 0);
    for (size_t j = 0; j < severities.size(); ++j) {
      place(corrupt_image(corruption, rgb, severities[j], seed, index, context), r,
            static_cast<int>(j) + 1);
    }
  }
  return sheet;
}

std::vector<uint8_t> encode_png(const cv::Mat& rgb) {
  DIGN_CHECK(rgb.depth() == CV_8U && (rgb.channels() == 3 || rgb.channels() == 1) && !rgb.empty(),
             "encode_png: expected a non-empty uint8 HxWx3 RGB or HxW gray image");
  // Not `bgr = rgb` then cvtColor: that header shares rgb's pixels and would swap them in place.
  cv::Mat bgr;
  if (rgb.channels() == 3) {
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  } else {
    bgr = rgb;
  }
  std::vector<uint8_t> bytes;
  DIGN_CHECK(cv::imencode(".png", bgr, bytes), "encode_png: OpenCV could not encode a ", rgb.cols,
             " x ", rgb.rows, " PNG");
  return bytes;
}

void write_png(const std::string& path, const cv::Mat& rgb) {
  std::vector<uint8_t> bytes;
  try {
    bytes = encode_png(rgb);
  } catch (const Error& e) {
    throw Error(detail::concat(path, ": ", e.what()));
  }
  write_file_atomic(path, bytes.data(), bytes.size());
}

}  // namespace dign::corrupt
