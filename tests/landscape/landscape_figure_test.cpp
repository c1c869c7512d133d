// Figure 2's four panels: both formats render, the SVG carries its words, the curves change
// the pixels, and bad curves are refused with a message naming the model.
#include <gtest/gtest.h>

#include "core/file_io.h"
#include "landscape/landscape_figure.h"
#include "test_util.h"

namespace dign::landscape {
namespace {

std::vector<LandscapeCurve> two_models() {
  LandscapeCurve standard{"standard",   {0, 2, 4, 8}, {0, 0.4, 1.5, 3.0}, {0.84, 0.7, 0.4, 0.1},
                          {0, 1, 2, 4}, {0, 2, 8, 32}};
  LandscapeCurve dign{"dign",
                      {0, 2, 4, 8},
                      {0, 0.1, 0.3, 0.9},
                      {0.83, 0.82, 0.78, 0.6},
                      {0, 0.3, 0.6, 1.2},
                      {0, 0.2, 0.8, 3.2}};
  return {standard, dign};
}

TEST(LandscapeFigure, RendersPngAndSvgWithTitleAndLegendWords) {
  const auto png = render_landscape_figure(two_models(), metrics::FigureFormat::kPng);
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  const auto svg = render_landscape_figure(two_models(), metrics::FigureFormat::kSvg);
  EXPECT_TRUE(testing::contains(svg, "<svg"));
  EXPECT_TRUE(testing::contains(svg, "<title>Random perturbations of l2 radius"));
  EXPECT_TRUE(testing::contains(svg, "standard, dign</desc>"));
}

TEST(LandscapeFigure, CurvesChangeThePixelsAndRenderingIsDeterministic) {
  auto curves = two_models();
  const auto a = render_landscape_figure(curves, metrics::FigureFormat::kPng);
  EXPECT_EQ(a, render_landscape_figure(curves, metrics::FigureFormat::kPng));
  curves[1].accuracy[3] = 0.2;
  EXPECT_NE(a, render_landscape_figure(curves, metrics::FigureFormat::kPng));
  // A gap (NaN) and a single model with one radius still draw.
  curves[0].loss_difference[2] = std::nan("");
  EXPECT_NO_THROW(render_landscape_figure(curves, metrics::FigureFormat::kSvg));
  LandscapeCurve one{"one", {0}, {0}, {0.5}, {0}, {0}};
  EXPECT_NO_THROW(render_landscape_figure({one}, metrics::FigureFormat::kPng));
}

TEST(LandscapeFigure, RefusesBadCurvesAndSizes) {
  auto curves = two_models();
  curves[1].second_order.pop_back();
  EXPECT_TRUE(testing::contains(
      testing::error_of([&] { render_landscape_figure(curves, metrics::FigureFormat::kPng); }),
      "'dign' has 4 radii"));
  curves = two_models();
  curves[0].radii = {0, 4, 2, 8};
  EXPECT_TRUE(testing::contains(
      testing::error_of([&] { render_landscape_figure(curves, metrics::FigureFormat::kPng); }),
      "increasing"));
  EXPECT_TRUE(testing::contains(
      testing::error_of([&] { render_landscape_figure({}, metrics::FigureFormat::kPng); }),
      "no curves"));
  LandscapeFigureOptions tiny;
  tiny.width = 100;
  EXPECT_TRUE(testing::contains(testing::error_of([&] {
                                  render_landscape_figure(two_models(), metrics::FigureFormat::kPng,
                                                          tiny);
                                }),
                                "outside 400 to 8192"));
}

TEST(LandscapeFigure, WritesTheFormatOfTheExtension) {
  testing::TempDir dir;
  write_landscape_figure(dir.str("f.svg"), two_models());
  write_landscape_figure(dir.str("f.png"), two_models());
  EXPECT_TRUE(testing::contains(read_text_file(dir.str("f.svg")), "<svg"));
  EXPECT_EQ(read_text_file(dir.str("f.png")).substr(1, 3), "PNG");
  EXPECT_TRUE(testing::contains(
      testing::error_of([&] { write_landscape_figure(dir.str("f.jpg"), two_models()); }),
      "expected .png or .svg"));
}

}  // namespace
}  // namespace dign::landscape
