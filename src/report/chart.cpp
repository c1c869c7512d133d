#include "report/chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace dign::report {

using metrics::kBlack;
using metrics::kGrid;
using metrics::line;
using metrics::set_color;
using metrics::show_text;

std::vector<Tick> even_ticks(double low, double high, double step, bool percent, int decimals) {
  std::vector<Tick> ticks;
  const int n = static_cast<int>(std::floor((high - low) / step + 1e-9));
  for (int i = 0; i <= n; ++i) {
    const double v = low + i * step;
    ticks.push_back(
        {v, percent ? fmt::format("{:.0f}", 100 * v) : fmt::format("{:.{}f}", v, decimals)});
  }
  return ticks;
}

void draw_frame(cairo_t* cr, const Frame& f, const std::vector<Tick>& x_ticks,
                const std::vector<Tick>& y_ticks, bool x_labels, bool y_labels, double u) {
  cairo_set_line_width(cr, 1 * u);
  cairo_set_font_size(cr, 10 * u);
  for (const auto& t : y_ticks) {
    const double y = f.y_of(t.value);
    set_color(cr, kGrid);
    line(cr, f.left, y, f.left + f.width, y);
    set_color(cr, kBlack);
    line(cr, f.left - 3 * u, y, f.left, y);
    if (y_labels) show_text(cr, t.label, f.left - 5 * u, y, 1.0, 0.5);
  }
  for (const auto& t : x_ticks) {
    const double x = f.x_of(t.value);
    set_color(cr, kGrid);
    line(cr, x, f.top, x, f.top + f.height);
    set_color(cr, kBlack);
    line(cr, x, f.top + f.height, x, f.top + f.height + 3 * u);
    if (x_labels) show_text(cr, t.label, x, f.top + f.height + 5 * u, 0.5, 0);
  }
  cairo_rectangle(cr, f.left, f.top, f.width, f.height);
  cairo_stroke(cr);
}

void draw_curves(cairo_t* cr, const Frame& f, const std::vector<ChartSeries>& series, double dodge,
                 double u) {
  cairo_save(cr);
  cairo_rectangle(cr, f.left - 4 * u, f.top - 4 * u, f.width + 8 * u, f.height + 8 * u);
  cairo_clip(cr);
  const double n = static_cast<double>(series.size());
  for (size_t s = 0; s < series.size(); ++s) {
    const double shift = (static_cast<double>(s) - (n - 1) / 2) * dodge;
    set_color(cr, metrics::palette_color(series[s].color));
    cairo_set_line_width(cr, 1.8 * u);
    bool open = false;
    for (const auto& p : series[s].points) {
      if (!std::isfinite(p.y)) {
        open = false;
        continue;
      }
      const double x = f.x_of(p.x) + shift, y = f.y_of(p.y);
      if (open) {
        cairo_line_to(cr, x, y);
      } else {
        cairo_move_to(cr, x, y);
      }
      open = true;
    }
    cairo_stroke(cr);
    for (const auto& p : series[s].points) {
      if (!std::isfinite(p.y)) continue;
      const double x = f.x_of(p.x) + shift;
      if (std::isfinite(p.low) && std::isfinite(p.high)) {
        cairo_set_line_width(cr, 1.2 * u);
        line(cr, x, f.y_of(p.low), x, f.y_of(p.high));
        line(cr, x - 2.5 * u, f.y_of(p.low), x + 2.5 * u, f.y_of(p.low));
        line(cr, x - 2.5 * u, f.y_of(p.high), x + 2.5 * u, f.y_of(p.high));
      }
      cairo_arc(cr, x, f.y_of(p.y), 2.6 * u, 0, 2 * metrics::kPi);
      cairo_fill(cr);
    }
  }
  cairo_restore(cr);
}

void begin_figure(cairo_t* cr, double width, const std::string& title, double u) {
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  set_color(cr, {1, 1, 1});
  cairo_paint(cr);
  set_color(cr, kBlack);
  cairo_set_font_size(cr, 16 * u);
  show_text(cr, title, width / 2, 22 * u, 0.5, 0.5);
}

double model_legend_height(const std::vector<std::string>& names, double width, double u) {
  // Measured on a scratch surface: the figure's size depends on it.
  cairo_surface_t* scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8);
  cairo_t* cr = cairo_create(scratch);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 12 * u);
  std::vector<metrics::LegendEntry> entries;
  for (const auto& n : names) entries.push_back({n, kBlack, false});
  const double h = metrics::legend_rows(cr, entries, 0, 0, width - 40 * u, u, false);
  cairo_destroy(cr);
  cairo_surface_destroy(scratch);
  return h;
}

double draw_model_legend(cairo_t* cr, const std::vector<std::string>& names, bool filled,
                         double width, double y, double u) {
  std::vector<metrics::LegendEntry> entries;
  for (size_t i = 0; i < names.size(); ++i) {
    entries.push_back({names[i], metrics::palette_color(i), filled});
  }
  cairo_set_font_size(cr, 12 * u);
  const double max_width = width - 40 * u;
  // Measure one row's width to centre it (rows wrap at max_width).
  double row_width = 0;
  for (const auto& e : entries)
    row_width += 24 * u + 6 * u + metrics::text_width(cr, e.label) + 18 * u;
  row_width = std::min(row_width - 18 * u, max_width);
  const double x = (width - row_width) / 2;
  const double h = metrics::legend_rows(cr, entries, x, y, max_width, u);
  return y + h;
}

}  // namespace dign::report
