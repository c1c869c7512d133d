#include "metrics/reliability_diagram.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <memory>

#include "core/error.h"
#include "core/file_io.h"
#include "metrics/figure_drawing.h"

namespace dign::metrics {
namespace {

constexpr Color kDiagonal = {0.35, 0.35, 0.35};
constexpr int kMinSize = 240;
constexpr int kMaxSize = 8192;

// Tableau 10 (matplotlib's default cycle): distinguishable, and familiar from papers.
Color series_color(size_t s) {
  return palette_color(s);
}

// Everything scales with the smaller side, so a 320 px thumbnail looks like a 640 px figure.
double unit(const ReliabilityDiagramOptions& options) {
  return std::min(options.width, options.height) / 640.0;
}

std::string legend_text(const ReliabilitySeries& s) {
  if (s.result.count == 0) return s.name + ": no predictions";
  return fmt::format("{}: ECE {:.2f}%, RMSE {:.2f}% (n = {})", s.name, 100 * s.result.ece,
                     100 * s.result.rmse, s.result.count);
}

void validate(const std::vector<ReliabilitySeries>& series,
              const ReliabilityDiagramOptions& options) {
  DIGN_CHECK(options.width >= kMinSize && options.width <= kMaxSize && options.height >= kMinSize &&
                 options.height <= kMaxSize,
             "reliability diagram: size ", options.width, " x ", options.height, " outside ",
             kMinSize, " to ", kMaxSize);
  DIGN_CHECK(!series.empty(), "reliability diagram: no calibration results to draw");
  const int64_t num_bins = series.front().result.num_bins;
  for (const auto& s : series) {
    const CalibrationResult& r = s.result;
    DIGN_CHECK(r.num_bins >= 1 && r.bins.size() == static_cast<size_t>(r.num_bins),
               "reliability diagram: '", s.name, "' has ", r.bins.size(), " bins for num_bins ",
               r.num_bins, "; expected at least 1 and equal");
    DIGN_CHECK(r.num_bins == num_bins, "reliability diagram: '", s.name, "' has ", r.num_bins,
               " bins, '", series.front().name, "' ", num_bins,
               "; bars are grouped by bin, so all series need the same bins");
    DIGN_CHECK(r.count >= 0 && std::isfinite(r.ece) && std::isfinite(r.rmse),
               "reliability diagram: '", s.name, "' has a negative count or non-finite metric");
    for (const auto& b : r.bins) {
      DIGN_CHECK(b.count >= 0 && b.accuracy >= 0 && b.accuracy <= 1 && b.confidence >= 0 &&
                     b.confidence <= 1,
                 "reliability diagram: '", s.name, "' has a bin (", b.low, ", ", b.high,
                 "] with count ", b.count, ", accuracy ", b.accuracy, ", confidence ", b.confidence,
                 "; expected a count >= 0 and values in [0, 1]");
    }
  }
}

// The frame, tick marks and tick labels of a panel spanning [0, 1] x [0, y_max]; only the
// bottom (histogram, `percent`) panel labels the shared x axis, and its y axis in percent.
void draw_axes(cairo_t* cr, const ReliabilityLayout& l, double top, double height, double y_max,
               int y_ticks, bool percent, double u) {
  const double left = l.plot_left, width = l.plot_width, tick = 4 * u;
  cairo_set_line_width(cr, 1 * u);
  set_color(cr, kBlack);
  cairo_set_font_size(cr, 11 * u);
  for (int i = 0; i <= y_ticks; ++i) {
    const double v = y_max * i / y_ticks;
    const double y = top + height * (1 - static_cast<double>(i) / y_ticks);
    line(cr, left - tick, y, left, y);
    show_text(cr, percent ? fmt::format("{:.0f}%", 100 * v) : fmt::format("{:.1f}", v),
              left - tick - 3 * u, y, 1.0, 0.5);
  }
  for (int i = 0; i <= 5; ++i) {
    const double x = l.x_of(i / 5.0);
    line(cr, x, top + height, x, top + height + tick);
    if (percent)
      show_text(cr, fmt::format("{:.1f}", i / 5.0), x, top + height + tick + 3 * u, 0.5, 0);
  }
  cairo_rectangle(cr, left, top, width, height);
  cairo_stroke(cr);
}

void draw_y_label(cairo_t* cr, const std::string& text, double x, double center_y) {
  cairo_save(cr);
  cairo_translate(cr, x, center_y);
  cairo_rotate(cr, -kPi / 2);
  show_text(cr, text, 0, 0, 0.5, 0.5);
  cairo_restore(cr);
}

void draw_legend(cairo_t* cr, const std::vector<ReliabilitySeries>& series,
                 const ReliabilityLayout& l, double u) {
  cairo_set_font_size(cr, 12 * u);
  std::vector<std::string> texts;
  for (const auto& s : series) texts.push_back(legend_text(s));
  texts.push_back("mean confidence");
  texts.push_back("perfect calibration");
  double widest = 0;
  for (const auto& t : texts) widest = std::max(widest, text_width(cr, t));
  const double row = 18 * u, pad = 8 * u, swatch = 22 * u;
  const double x = l.plot_left + 10 * u, y = l.plot_top + 10 * u;
  const double w = std::min(pad * 3 + swatch + widest, l.plot_width - 20 * u);
  cairo_rectangle(cr, x, y, w, pad * 2 + row * texts.size());
  set_color(cr, {1, 1, 1}, 0.9);
  cairo_fill_preserve(cr);
  set_color(cr, {0.6, 0.6, 0.6});
  cairo_set_line_width(cr, 1 * u);
  cairo_stroke(cr);
  for (size_t i = 0; i < texts.size(); ++i) {
    const double cy = y + pad + row * (i + 0.5), sx = x + pad;
    if (i < series.size()) {
      cairo_rectangle(cr, sx, cy - 5 * u, swatch, 10 * u);
      set_color(cr, series_color(i));
      cairo_fill(cr);
    } else if (i == series.size()) {
      set_color(cr, kBlack);
      cairo_set_line_width(cr, 2 * u);
      line(cr, sx, cy, sx + swatch, cy);
    } else {
      set_color(cr, kDiagonal);
      const double dash = 4 * u;
      cairo_set_dash(cr, &dash, 1, 0);
      cairo_set_line_width(cr, 1.5 * u);
      line(cr, sx, cy, sx + swatch, cy);
      cairo_set_dash(cr, nullptr, 0, 0);
    }
    set_color(cr, kBlack);
    show_text(cr, texts[i], sx + swatch + pad, cy, 0, 0.5);
  }
}

void draw(cairo_t* cr, const std::vector<ReliabilitySeries>& series,
          const ReliabilityDiagramOptions& options) {
  const ReliabilityLayout l = reliability_layout(options);
  const double u = unit(options);
  const int64_t num_bins = series.front().result.num_bins;
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  set_color(cr, {1, 1, 1});
  cairo_paint(cr);

  // Top panel: grid first, so bars, ticks and the diagonal lie over it.
  set_color(cr, kGrid);
  cairo_set_line_width(cr, 1 * u);
  for (int i = 1; i < 5; ++i) {
    line(cr, l.x_of(i / 5.0), l.y_of(0), l.x_of(i / 5.0), l.y_of(1));
    line(cr, l.x_of(0), l.y_of(i / 5.0), l.x_of(1), l.y_of(i / 5.0));
  }
  double hist_max = 0;  // the largest share of predictions in one bin
  for (size_t s = 0; s < series.size(); ++s) {
    const CalibrationResult& r = series[s].result;
    for (int64_t k = 0; k < num_bins; ++k) {
      const CalibrationBin& b = r.bins[static_cast<size_t>(k)];
      if (b.count == 0) continue;  // accuracy and confidence are placeholders there
      hist_max = std::max(hist_max, static_cast<double>(b.count) / r.count);
      double left = 0, right = 0;
      l.bar_span(k, num_bins, s, series.size(), &left, &right);
      // The gap between accuracy and confidence, faintly: the area ECE averages.
      set_color(cr, series_color(s), 0.25);
      cairo_rectangle(cr, left, l.y_of(std::max(b.accuracy, b.confidence)), right - left,
                      std::abs(l.y_of(b.accuracy) - l.y_of(b.confidence)));
      cairo_fill(cr);
      set_color(cr, series_color(s));
      cairo_rectangle(cr, left, l.y_of(b.accuracy), right - left, l.y_of(0) - l.y_of(b.accuracy));
      cairo_fill(cr);
      set_color(cr, kBlack);
      cairo_set_line_width(cr, 2 * u);
      line(cr, left, l.y_of(b.confidence), right, l.y_of(b.confidence));
    }
  }
  set_color(cr, kDiagonal);
  const double dash = 4 * u;
  cairo_set_dash(cr, &dash, 1, 0);
  cairo_set_line_width(cr, 1.5 * u);
  line(cr, l.x_of(0), l.y_of(0), l.x_of(1), l.y_of(1));
  cairo_set_dash(cr, nullptr, 0, 0);
  draw_axes(cr, l, l.plot_top, l.plot_height, 1.0, 5, false, u);

  // Bottom panel: share of each series' predictions per bin, on a scale rounded up to 10%.
  const double y_max = hist_max > 0 ? std::ceil(hist_max * 10 - 1e-9) / 10 : 1.0;
  for (size_t s = 0; s < series.size(); ++s) {
    const CalibrationResult& r = series[s].result;
    set_color(cr, series_color(s));
    for (int64_t k = 0; k < num_bins; ++k) {
      const CalibrationBin& b = r.bins[static_cast<size_t>(k)];
      if (b.count == 0) continue;
      double left = 0, right = 0;
      l.bar_span(k, num_bins, s, series.size(), &left, &right);
      const double h = l.hist_height * (static_cast<double>(b.count) / r.count) / y_max;
      cairo_rectangle(cr, left, l.hist_top + l.hist_height - h, right - left, h);
      cairo_fill(cr);
    }
  }
  draw_axes(cr, l, l.hist_top, l.hist_height, y_max, 1, true, u);

  set_color(cr, kBlack);
  cairo_set_font_size(cr, 13 * u);
  draw_y_label(cr, "accuracy", 16 * u, l.plot_top + l.plot_height / 2);
  draw_y_label(cr, "share", 16 * u, l.hist_top + l.hist_height / 2);
  show_text(cr, "confidence (max softmax probability)", l.x_of(0.5), options.height - 8 * u, 0.5,
            1.0);
  cairo_set_font_size(cr, 15 * u);
  show_text(cr, options.title, l.x_of(0.5), l.plot_top / 2, 0.5, 0.5);
  draw_legend(cr, series, l, u);
}

}  // namespace

void ReliabilityLayout::bar_span(int64_t k, int64_t num_bins, size_t s, size_t num_series,
                                 double* left, double* right) const {
  // The bars of one bin share its middle 80%, leaving a gap between bins.
  const double bin_left = x_of(static_cast<double>(k) / num_bins);
  const double bin_width = plot_width / num_bins;
  const double bar_width = 0.8 * bin_width / num_series;
  *left = bin_left + 0.1 * bin_width + s * bar_width;
  *right = *left + bar_width;
}

ReliabilityLayout reliability_layout(const ReliabilityDiagramOptions& options) {
  const double u = unit(options);
  const double top = 40 * u, bottom = 48 * u, gap = 18 * u;
  ReliabilityLayout l;
  l.plot_left = 64 * u;
  l.plot_width = options.width - l.plot_left - 20 * u;
  l.plot_top = top;
  const double panels = options.height - top - bottom - gap;
  l.plot_height = 0.78 * panels;
  l.hist_top = l.plot_top + l.plot_height + gap;
  l.hist_height = panels - l.plot_height;
  return l;
}

std::string render_reliability_diagram(const std::vector<ReliabilitySeries>& series,
                                       FigureFormat format,
                                       const ReliabilityDiagramOptions& options) {
  validate(series, options);
  std::string desc;
  for (const auto& s : series) desc += (desc.empty() ? "" : "; ") + legend_text(s);
  return render_figure(
      format, options.width, options.height, [&](cairo_t* cr) { draw(cr, series, options); },
      "reliability diagram", options.title, desc);
}

void write_reliability_diagram(const std::string& path,
                               const std::vector<ReliabilitySeries>& series,
                               const ReliabilityDiagramOptions& options) {
  const FigureFormat format = figure_format_for_path(path);
  std::string bytes;
  try {
    bytes = render_reliability_diagram(series, format, options);
  } catch (const Error& e) {
    throw Error(detail::concat(path, ": ", e.what()));
  }
  write_file_atomic(path, bytes);
}

}  // namespace dign::metrics
