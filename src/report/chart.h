#pragma once
// The panels of the report's figures: a frame with ticks and grid, curves with markers and
// interval whiskers, grouped bars. Internal to src/report (names cairo types, as
// metrics/figure_drawing.h, whose colours, text and legend it uses).
#include <cairo.h>

#include <cstddef>
#include <string>
#include <vector>

#include "metrics/figure_drawing.h"

namespace dign::report {

struct Tick {
  double value;
  std::string label;
};

/// A rectangle of the figure (pixels) mapped to [x_min, x_max] x [y_min, y_max].
struct Frame {
  double left = 0, top = 0, width = 0, height = 0;
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
  double x_of(double x) const { return left + (x - x_min) / (x_max - x_min) * width; }
  double y_of(double y) const { return top + (1 - (y - y_min) / (y_max - y_min)) * height; }
};

/// One point of a curve; low/high is its 95% interval (NaN: none).
struct ChartPoint {
  double x, y, low, high;
};

/// One model's curve: `color` is the model's index (metrics::palette_color).
struct ChartSeries {
  size_t color;
  std::vector<ChartPoint> points;
};

/// Ticks every `step` from `low` to `high` (inclusive), labelled in percent ("40") when
/// `percent`, else with `decimals` decimals.
std::vector<Tick> even_ticks(double low, double high, double step, bool percent, int decimals = 0);

/// Grid lines, the frame, tick marks and, where asked, tick labels (font size 10 u).
void draw_frame(cairo_t* cr, const Frame& f, const std::vector<Tick>& x_ticks,
                const std::vector<Tick>& y_ticks, bool x_labels, bool y_labels, double u);

/// Curves with a dot per point and a whisker over each point's interval, clipped to the frame;
/// the i-th series of n is shifted by (i - (n-1)/2) * `dodge` pixels so whiskers do not hide
/// each other.
void draw_curves(cairo_t* cr, const Frame& f, const std::vector<ChartSeries>& series, double dodge,
                 double u);

/// The figure's white background, font and title (16 u, centred at y = 22 u).
void begin_figure(cairo_t* cr, double width, const std::string& title, double u);

/// The height draw_model_legend takes for `names` in a figure `width` wide.
double model_legend_height(const std::vector<std::string>& names, double width, double u);

/// A legend of the models' colours under the title, centred; returns the y below it.
double draw_model_legend(cairo_t* cr, const std::vector<std::string>& names, bool filled,
                         double width, double y, double u);

}  // namespace dign::report
