#pragma once
// What every dign figure draws with (reliability diagrams, the landscape figure): the colours,
// text and lines on a cairo context, and the rendering of a drawing as PNG or SVG bytes.
// Internal to the figure sources: the one dign header that names cairo types, included only
// by .cpp files that link cairo privately (no public header exposes cairo).
//
//   std::string svg = render_figure(FigureFormat::kSvg, 640, 480,
//                                   [&](cairo_t* cr) { line(cr, 0, 0, 10, 10); },
//                                   "my figure", "Title", "what it shows");
#include <cairo.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "metrics/figure_format.h"

namespace dign::metrics {

struct Color {
  double r, g, b;
};

inline constexpr Color kBlack = {0, 0, 0};
inline constexpr Color kGrid = {0.9, 0.9, 0.9};
inline constexpr double kPi = 3.14159265358979323846;

/// Tableau 10 (matplotlib's default cycle), cycling: the i-th model's colour in every figure.
Color palette_color(size_t i);

void set_color(cairo_t* cr, Color c, double alpha = 1.0);

/// Draws `text` so that the point (ax, ay) of its ink box, in fractions of its width and
/// height (0, 0 = top left), lands on (x, y).
void show_text(cairo_t* cr, const std::string& text, double x, double y, double ax, double ay);

/// The advance width of `text` in the current font.
double text_width(cairo_t* cr, const std::string& text);

void line(cairo_t* cr, double x0, double y0, double x1, double y1);

/// Draws `text` turned a quarter turn anticlockwise (a y-axis label), centred on (x, y).
void show_vertical_text(cairo_t* cr, const std::string& text, double x, double y);

/// A legend entry: a model's colour as a line with a dot (a curve) or a filled box (a bar).
struct LegendEntry {
  std::string label;
  Color color;
  bool filled = false;
};

/// Lays `entries` out left to right from (x, y) (top left), in the current font size, wrapping
/// to a new row at x + max_width; draws them when `draw` (else only measures). Returns the
/// height of the rows. `u` scales the swatches and gaps as the figure's unit.
double legend_rows(cairo_t* cr, const std::vector<LegendEntry>& entries, double x, double y,
                   double max_width, double u, bool draw = true);

/// `text` with &, <, >, " and ' escaped for XML and HTML (attribute values and text).
std::string xml_escape(const std::string& text);

/// The bytes of a width x height figure that `draw` paints, as a PNG or an SVG; the SVG gets
/// a <title> and a <desc> (cairo draws text as glyph outlines: they keep its words searchable
/// and readable by screen readers). dign::Error naming `what` ("reliability diagram") when
/// cairo fails.
std::string render_figure(FigureFormat format, int width, int height,
                          const std::function<void(cairo_t*)>& draw, const std::string& what,
                          const std::string& title, const std::string& desc);

}  // namespace dign::metrics
