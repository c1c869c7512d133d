#include "landscape/landscape_figure.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/error.h"
#include "core/file_io.h"
#include "metrics/figure_drawing.h"

namespace dign::landscape {
namespace {

using metrics::Color;
using metrics::kBlack;
using metrics::kGrid;
using metrics::kPi;
using metrics::line;
using metrics::set_color;
using metrics::show_text;

constexpr int kMinSize = 400;
constexpr int kMaxSize = 8192;

// The reliability diagrams' colours: the same model colours across dign's figures.
Color curve_color(size_t s) {
  return metrics::palette_color(s);
}

// A "nice" tick step (1, 2, 2.5 or 5 times a power of ten) giving at most `max_ticks`
// intervals over [0, top].
double tick_step(double top, int max_ticks) {
  const double raw = top / max_ticks;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * power >= raw * (1 - 1e-9)) return m * power;
  }
  return 10 * power;
}

std::string tick_label(double v, double step) {
  if (std::abs(v) >= 1e5) return fmt::format("{:.3g}", v);
  int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  if (std::abs(step / std::pow(10.0, -decimals) - 2.5) < 1e-6) ++decimals;  // 0.25, 2.5
  return fmt::format("{:.{}f}", v, decimals);
}

struct Panel {
  const char* title;
  const char* y_label;
  std::vector<double> LandscapeCurve::*values;
  bool unit_range;  ///< y in [0, 1] (accuracy)
};

constexpr double kLeft = 78, kRight = 18, kTop = 56, kPanelTitle = 22, kAxis = 46, kGap = 24;

struct Frame {
  double left, top, width, height, x_max, y_max;
  double x_of(double v) const { return left + v / x_max * width; }
  double y_of(double v) const { return top + (1 - v / y_max) * height; }
};

double finite_max(const std::vector<LandscapeCurve>& curves,
                  std::vector<double> LandscapeCurve::*values) {
  double top = 0;
  for (const auto& c : curves) {
    for (double v : c.*values) {
      if (std::isfinite(v)) top = std::max(top, v);
    }
  }
  return top;
}

void draw_panel(cairo_t* cr, const Panel& panel, const std::vector<LandscapeCurve>& curves,
                double x0, double y0, double w, double h, double x_top, double u) {
  const double y_top = panel.unit_range ? 1.0 : finite_max(curves, panel.values);
  const double y_step = tick_step(y_top > 0 ? y_top : 1.0, 5);
  const double x_step = tick_step(x_top, 6);
  Frame f{x0 + kLeft * u,
          y0 + kPanelTitle * u,
          w - (kLeft + kRight) * u,
          h - (kPanelTitle + kAxis) * u,
          x_top,
          std::ceil((y_top > 0 ? y_top : 1.0) / y_step - 1e-9) * y_step};
  cairo_set_line_width(cr, 1 * u);
  cairo_set_font_size(cr, 11 * u);
  for (double v = 0; v <= f.y_max * (1 + 1e-9); v += y_step) {
    set_color(cr, kGrid);
    line(cr, f.left, f.y_of(v), f.left + f.width, f.y_of(v));
    set_color(cr, kBlack);
    line(cr, f.left - 4 * u, f.y_of(v), f.left, f.y_of(v));
    show_text(cr, tick_label(v, y_step), f.left - 7 * u, f.y_of(v), 1.0, 0.5);
  }
  for (double v = 0; v <= f.x_max * (1 + 1e-9); v += x_step) {
    set_color(cr, kGrid);
    line(cr, f.x_of(v), f.top, f.x_of(v), f.top + f.height);
    set_color(cr, kBlack);
    line(cr, f.x_of(v), f.top + f.height, f.x_of(v), f.top + f.height + 4 * u);
    show_text(cr, tick_label(v, x_step), f.x_of(v), f.top + f.height + 7 * u, 0.5, 0);
  }
  cairo_save(cr);
  cairo_rectangle(cr, f.left, f.top, f.width, f.height);
  cairo_clip(cr);
  for (size_t s = 0; s < curves.size(); ++s) {
    const auto& c = curves[s];
    const auto& values = c.*panel.values;
    set_color(cr, curve_color(s));
    cairo_set_line_width(cr, 2 * u);
    bool open = false;
    for (size_t i = 0; i < values.size(); ++i) {
      if (!std::isfinite(values[i])) {
        open = false;
        continue;
      }
      if (open) {
        cairo_line_to(cr, f.x_of(c.radii[i]), f.y_of(values[i]));
      } else {
        cairo_move_to(cr, f.x_of(c.radii[i]), f.y_of(values[i]));
      }
      open = true;
    }
    cairo_stroke(cr);
    for (size_t i = 0; i < values.size(); ++i) {
      if (!std::isfinite(values[i])) continue;
      cairo_arc(cr, f.x_of(c.radii[i]), f.y_of(values[i]), 3 * u, 0, 2 * kPi);
      cairo_fill(cr);
    }
  }
  cairo_restore(cr);
  set_color(cr, kBlack);
  cairo_set_line_width(cr, 1 * u);
  cairo_rectangle(cr, f.left, f.top, f.width, f.height);
  cairo_stroke(cr);
  cairo_set_font_size(cr, 13 * u);
  show_text(cr, panel.title, f.left + f.width / 2, y0 + kPanelTitle * u / 2, 0.5, 0.5);
  cairo_set_font_size(cr, 12 * u);
  show_text(cr, "l2 radius \u03b5 ([0,1] pixel units)", f.left + f.width / 2,
            f.top + f.height + 24 * u, 0.5, 0);
  cairo_save(cr);
  cairo_translate(cr, x0 + 14 * u, f.top + f.height / 2);
  cairo_rotate(cr, -kPi / 2);
  show_text(cr, panel.y_label, 0, 0, 0.5, 0.5);
  cairo_restore(cr);
}

double legend_height(size_t curves, double u) {
  return (12 + 20 * std::ceil(curves / 3.0)) * u;
}

void draw_legend(cairo_t* cr, const std::vector<LandscapeCurve>& curves,
                 const LandscapeFigureOptions& o, double u) {
  const double top = o.height - legend_height(curves.size(), u) + 6 * u;
  const double column = (o.width - 2 * kLeft * u) / 3;
  cairo_set_font_size(cr, 12 * u);
  for (size_t s = 0; s < curves.size(); ++s) {
    const double x = kLeft * u + column * static_cast<double>(s % 3);
    const double y = top + 20 * u * static_cast<double>(s / 3) + 10 * u;
    set_color(cr, curve_color(s));
    cairo_set_line_width(cr, 2 * u);
    line(cr, x, y, x + 26 * u, y);
    cairo_arc(cr, x + 13 * u, y, 3 * u, 0, 2 * kPi);
    cairo_fill(cr);
    set_color(cr, kBlack);
    show_text(cr, curves[s].name, x + 34 * u, y, 0, 0.5);
  }
}

void draw(cairo_t* cr, const std::vector<LandscapeCurve>& curves, const LandscapeFigureOptions& o) {
  const double u = std::min(o.width / 1000.0, o.height / 820.0);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  set_color(cr, {1, 1, 1});
  cairo_paint(cr);
  const Panel panels[] = {
      {"loss difference", "|L(x + \u03b4, y) \u2212 L(x, y)| (nats)",
       &LandscapeCurve::loss_difference, false},
      {"accuracy", "accuracy on x + \u03b4 (fraction)", &LandscapeCurve::accuracy, true},
      {"first-order term", "\u03b5 \u2016\u2207\u2093L(x, y)\u2016\u2082 (nats)",
       &LandscapeCurve::first_order, false},
      {"second-order term", "\u00bd \u03b5\u00b2 Tr(H\u1d40H) (nats)",
       &LandscapeCurve::second_order, false}};
  double x_top = 0;
  for (const auto& c : curves) {
    if (!c.radii.empty()) x_top = std::max(x_top, c.radii.back());
  }
  if (x_top <= 0) x_top = 1;
  const double grid_top = (o.subtitle.empty() ? kTop : kTop + 14) * u;
  const double grid_h = o.height - grid_top - legend_height(curves.size(), u);
  const double pw = o.width / 2.0, ph = (grid_h - kGap * u) / 2;
  for (int i = 0; i < 4; ++i) {
    draw_panel(cr, panels[i], curves, pw * (i % 2), grid_top + (ph + kGap * u) * (i / 2), pw, ph,
               x_top, u);
  }
  set_color(cr, kBlack);
  cairo_set_font_size(cr, 16 * u);
  show_text(cr, o.title, o.width / 2.0, kTop * u / 2, 0.5, 0.5);
  if (!o.subtitle.empty()) {
    cairo_set_font_size(cr, 12 * u);
    show_text(cr, o.subtitle, o.width / 2.0, kTop * u / 2 + 20 * u, 0.5, 0.5);
  }
  draw_legend(cr, curves, o, u);
}

void validate(const std::vector<LandscapeCurve>& curves, const LandscapeFigureOptions& o) {
  DIGN_CHECK(
      o.width >= kMinSize && o.width <= kMaxSize && o.height >= kMinSize && o.height <= kMaxSize,
      "landscape figure: size ", o.width, " x ", o.height, " outside ", kMinSize, " to ", kMaxSize);
  DIGN_CHECK(!curves.empty(), "landscape figure: no curves to draw");
  for (const auto& c : curves) {
    const size_t n = c.radii.size();
    DIGN_CHECK(n >= 1 && c.loss_difference.size() == n && c.accuracy.size() == n &&
                   c.first_order.size() == n && c.second_order.size() == n,
               "landscape figure: '", c.name, "' has ", n,
               " radii; expected at least 1 and one value per radius in every panel");
    for (size_t i = 0; i < n; ++i) {
      DIGN_CHECK(
          std::isfinite(c.radii[i]) && c.radii[i] >= 0 && (i == 0 || c.radii[i] > c.radii[i - 1]),
          "landscape figure: '", c.name, "' has radius ", c.radii[i],
          "; expected increasing radii >= 0");
    }
  }
}

}  // namespace

std::string render_landscape_figure(const std::vector<LandscapeCurve>& curves,
                                    metrics::FigureFormat format,
                                    const LandscapeFigureOptions& options) {
  validate(curves, options);
  std::string desc =
      "loss difference, accuracy, first- and second-order terms against the l2 "
      "radius for: ";
  for (size_t s = 0; s < curves.size(); ++s) desc += (s ? ", " : "") + curves[s].name;
  return metrics::render_figure(
      format, options.width, options.height, [&](cairo_t* cr) { draw(cr, curves, options); },
      "landscape figure", options.title, desc);
}

void write_landscape_figure(const std::string& path, const std::vector<LandscapeCurve>& curves,
                            const LandscapeFigureOptions& options) {
  const auto format = metrics::figure_format_for_path(path);
  std::string bytes;
  try {
    bytes = render_landscape_figure(curves, format, options);
  } catch (const Error& e) {
    throw Error(detail::concat(path, ": ", e.what()));
  }
  write_file_atomic(path, bytes);
}

}  // namespace dign::landscape
