#include "metrics/reliability_diagram.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include <filesystem>

#include "core/file_io.h"
#include "test_util.h"

// fontconfig (under cairo's text) keeps its configuration until exit without freeing it;
// LeakSanitizer reports that in every process that draws text. Not ours to fix.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig\n";
}
extern "C" const char* __lsan_default_options() {
  return "print_suppressions=0";
}

namespace dign::metrics {
namespace {
using dign::testing::contains;
using dign::testing::error_of;

// `n` predictions at confidence `confidence`, the first `correct` of them right.
CalibrationResult constant_confidence(int n, int correct, float confidence, int64_t bins = 4) {
  CalibrationMeter meter(bins);
  for (int i = 0; i < n; ++i) meter.add(confidence, i < correct);
  return meter.value();
}

cv::Mat decode(const std::string& png) {
  const std::vector<uint8_t> bytes(png.begin(), png.end());
  return cv::imdecode(bytes, cv::IMREAD_COLOR);  // BGR
}

// The y of the top of the bar under column x: scans up from just above the axis while
// the pixel keeps the bar's colour.
int bar_top(const cv::Mat& bgr, const ReliabilityLayout& l, int x) {
  int y = static_cast<int>(l.y_of(0.02));
  const cv::Vec3b color = bgr.at<cv::Vec3b>(y, x);
  while (y > 0 && bgr.at<cv::Vec3b>(y - 1, x) == color) --y;
  return y;
}

int bar_center(const ReliabilityLayout& l, int64_t k, int64_t bins, size_t s, size_t series) {
  double left = 0, right = 0;
  l.bar_span(k, bins, s, series, &left, &right);
  return static_cast<int>((left + right) / 2);
}

TEST(ReliabilityDiagram, PngDecodesWithTheRequestedSize) {
  ReliabilityDiagramOptions options;
  options.width = 500;
  options.height = 400;
  const std::vector<ReliabilitySeries> series = {{"clean", constant_confidence(10, 9, 0.9f)}};
  const std::string png = render_reliability_diagram(series, FigureFormat::kPng, options);
  const cv::Mat image = decode(png);
  ASSERT_FALSE(image.empty());
  EXPECT_EQ(image.cols, 500);
  EXPECT_EQ(image.rows, 400);
  // The writer stores exactly the rendered bytes, and the extension's case does not matter.
  testing::TempDir dir;
  write_reliability_diagram(dir.str("r.PNG"), series, options);
  EXPECT_EQ(read_text_file(dir.str("r.PNG")), png);
}

TEST(ReliabilityDiagram, BarHeightIsTheBinAccuracy) {
  // Five predictions at confidence 0.8, all in bin (0.75, 1] of 4. Calibrated: 4 of 5
  // right, accuracy 0.8. Overconfident: 2 of 5, accuracy 0.4. (The diagonal crosses the
  // bar's centre at 0.875, above both tops.)
  const ReliabilityDiagramOptions options;  // 640 x 640
  const ReliabilityLayout l = reliability_layout(options);
  const int x = bar_center(l, 3, 4, 0, 1);
  const cv::Mat calibrated = decode(render_reliability_diagram(
      {{"calibrated", constant_confidence(5, 4, 0.8f)}}, FigureFormat::kPng, options));
  const cv::Mat overconfident = decode(render_reliability_diagram(
      {{"overconfident", constant_confidence(5, 2, 0.8f)}}, FigureFormat::kPng, options));
  // 2 px: the 2 px mean-confidence tick is centred on the top when confidence == accuracy.
  EXPECT_NEAR(bar_top(calibrated, l, x), l.y_of(0.8), 2.0);
  EXPECT_NEAR(bar_top(overconfident, l, x), l.y_of(0.4), 1.5);
  // At accuracy 0.6 the calibrated bar is there and the overconfident one is not.
  const int y = static_cast<int>(l.y_of(0.6));
  const cv::Vec3b blue(180, 119, 31);  // the first series colour (31, 119, 180), in BGR
  EXPECT_LE(cv::norm(calibrated.at<cv::Vec3b>(y, x), blue, cv::NORM_INF), 1.0);
  EXPECT_GT(cv::norm(overconfident.at<cv::Vec3b>(y, x), blue, cv::NORM_INF), 40.0);
  // An empty bin draws no bar: above bin (0, 0.25] the panel is white (away from grid
  // lines, the diagonal and the legend).
  const int empty_x = bar_center(l, 0, 4, 0, 1);
  EXPECT_EQ(calibrated.at<cv::Vec3b>(static_cast<int>(l.y_of(0.1)), empty_x),
            cv::Vec3b(255, 255, 255));
}

TEST(ReliabilityDiagram, SeriesSitSideBySideInEachBin) {
  const ReliabilityDiagramOptions options;
  const ReliabilityLayout l = reliability_layout(options);
  // Bin (0.75, 1]: bars over 0.775-0.875 and 0.875-0.975, centres 0.825 and 0.925, where the
  // diagonal passes above both accuracies (0.8 and 0.3).
  const std::vector<ReliabilitySeries> series = {{"clean", constant_confidence(10, 8, 0.9f)},
                                                 {"corrupted", constant_confidence(10, 3, 0.9f)}};
  const cv::Mat image = decode(render_reliability_diagram(series, FigureFormat::kPng, options));
  const int left = bar_center(l, 3, 4, 0, 2), right = bar_center(l, 3, 4, 1, 2);
  EXPECT_NEAR(bar_top(image, l, left), l.y_of(0.8), 1.5);
  EXPECT_NEAR(bar_top(image, l, right), l.y_of(0.3), 1.5);
  const int y = static_cast<int>(l.y_of(0.1));
  EXPECT_LE(cv::norm(image.at<cv::Vec3b>(y, left), cv::Vec3b(180, 119, 31), cv::NORM_INF), 1.0);
  EXPECT_LE(cv::norm(image.at<cv::Vec3b>(y, right), cv::Vec3b(14, 127, 255), cv::NORM_INF), 1.0);
}

TEST(ReliabilityDiagram, SvgIsTextWithTheTitleAndLegend) {
  testing::TempDir dir;
  const std::string path = dir.str("reliability.svg");
  ReliabilityDiagramOptions options;
  options.title = "ResNet-18 <DiGN>";
  // clean: one bin, |0.9 - 0.9| -> ECE 0; corrupted: |0.3 - 0.9| = 0.6 -> ECE 60%.
  write_reliability_diagram(path,
                            {{"clean", constant_confidence(10, 9, 0.9f)},
                             {"corrupted", constant_confidence(10, 3, 0.9f)}},
                            options);
  const std::string svg = read_text_file(path);
  EXPECT_TRUE(svg.rfind("<?xml", 0) == 0 || svg.rfind("<svg", 0) == 0) << svg.substr(0, 80);
  EXPECT_TRUE(contains(svg, "</svg>"));
  EXPECT_TRUE(contains(svg, "<title>ResNet-18 &lt;DiGN&gt;</title>")) << svg.substr(0, 400);
  EXPECT_TRUE(contains(svg, "clean: ECE 0.00%, RMSE 0.00% (n = 10)")) << svg.substr(0, 400);
  EXPECT_TRUE(contains(svg, "corrupted: ECE 60.00%, RMSE 60.00% (n = 10)"));
  EXPECT_TRUE(contains(svg, "width=\"640")) << svg.substr(0, 400);
}

TEST(ReliabilityDiagram, BadExtensionIsAOneLineErrorNamingThePath) {
  testing::TempDir dir;
  const std::vector<ReliabilitySeries> series = {{"clean", constant_confidence(3, 2, 0.7f)}};
  for (const std::string name : {"reliability.jpg", "reliability", "png"}) {
    const std::string path = dir.str(name);
    const std::string message = error_of([&] { write_reliability_diagram(path, series); });
    EXPECT_TRUE(contains(message, "'" + path + "'")) << message;
    EXPECT_TRUE(contains(message, "expected .png or .svg")) << message;
    EXPECT_FALSE(contains(message, "\n")) << message;
    EXPECT_FALSE(std::filesystem::exists(path));
  }
  EXPECT_TRUE(contains(error_of([] { figure_format_for_path("a.jpg"); }), "'.jpg'"));
  EXPECT_EQ(figure_format_for_path("a.Svg"), FigureFormat::kSvg);
}

TEST(ReliabilityDiagram, AResultWithoutPredictionsStillDraws) {
  // A corruption subset can be empty (e.g. filtered away); the figure says so rather than
  // failing the whole evaluation.
  const CalibrationResult empty = CalibrationMeter(4).value();
  ASSERT_EQ(empty.count, 0);
  const std::vector<ReliabilitySeries> series = {{"clean", constant_confidence(5, 4, 0.8f)},
                                                 {"corrupted", empty}};
  const cv::Mat image = decode(render_reliability_diagram(series, FigureFormat::kPng));
  ASSERT_EQ(image.size(), cv::Size(640, 640));
  const std::string svg = render_reliability_diagram({{"corrupted", empty}}, FigureFormat::kSvg);
  EXPECT_TRUE(contains(svg, "corrupted: no predictions"));
  // Only an empty panel: no bar over the top bin.
  const ReliabilityLayout l = reliability_layout({});
  const cv::Mat alone =
      decode(render_reliability_diagram({{"corrupted", empty}}, FigureFormat::kPng));
  EXPECT_EQ(alone.at<cv::Vec3b>(static_cast<int>(l.y_of(0.3)), bar_center(l, 3, 4, 0, 1)),
            cv::Vec3b(255, 255, 255));
}

TEST(ReliabilityDiagram, RejectsWhatItCannotDraw) {
  const CalibrationResult ok = constant_confidence(5, 4, 0.8f);
  auto render = [](const std::vector<ReliabilitySeries>& series, ReliabilityDiagramOptions o = {}) {
    return error_of([&] { render_reliability_diagram(series, FigureFormat::kPng, o); });
  };
  EXPECT_TRUE(contains(render({}), "no calibration results"));
  EXPECT_TRUE(
      contains(render({{"a", ok}, {"b", constant_confidence(5, 4, 0.8f, 16)}}), "same bins"));
  EXPECT_TRUE(contains(render({{"default", CalibrationResult{}}}), "'default' has 0 bins"));
  CalibrationResult bad = ok;
  bad.bins[3].accuracy = 1.5;
  EXPECT_TRUE(contains(render({{"bad", bad}}), "accuracy 1.5"));
  ReliabilityDiagramOptions tiny;
  tiny.width = 100;
  EXPECT_TRUE(contains(render({{"a", ok}}, tiny), "size 100 x 640"));
  // The writer prefixes the file name.
  testing::TempDir dir;
  const std::string path = dir.str("r.svg");
  EXPECT_TRUE(contains(error_of([&] { write_reliability_diagram(path, {}); }), path));
}

}  // namespace
}  // namespace dign::metrics
