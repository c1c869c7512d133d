#include "metrics/figure_drawing.h"

#include <cairo-svg.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>

#include "core/error.h"

namespace dign::metrics {
namespace {

constexpr Color kPalette[] = {{0.122, 0.467, 0.706}, {1.000, 0.498, 0.055}, {0.173, 0.627, 0.173},
                              {0.839, 0.153, 0.157}, {0.580, 0.404, 0.741}, {0.549, 0.337, 0.294},
                              {0.890, 0.467, 0.761}, {0.498, 0.498, 0.498}, {0.737, 0.741, 0.133},
                              {0.090, 0.745, 0.812}};

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};

// Called from C: an exception must not unwind through cairo.
cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  try {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
  } catch (...) {
    return CAIRO_STATUS_NO_MEMORY;
  }
}

void check_status(cairo_status_t status, const std::string& what, const char* doing) {
  DIGN_CHECK(status == CAIRO_STATUS_SUCCESS, what, ": cairo failed to ", doing, " (",
             cairo_status_to_string(status), ")");
}

}  // namespace

Color palette_color(size_t i) {
  return kPalette[i % (sizeof(kPalette) / sizeof(kPalette[0]))];
}

void set_color(cairo_t* cr, Color c, double alpha) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

void show_text(cairo_t* cr, const std::string& text, double x, double y, double ax, double ay) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, text.c_str(), &e);
  cairo_move_to(cr, x - e.x_bearing - ax * e.width, y - e.y_bearing - ay * e.height);
  cairo_show_text(cr, text.c_str());
}

double text_width(cairo_t* cr, const std::string& text) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, text.c_str(), &e);
  return e.x_advance;
}

void line(cairo_t* cr, double x0, double y0, double x1, double y1) {
  cairo_move_to(cr, x0, y0);
  cairo_line_to(cr, x1, y1);
  cairo_stroke(cr);
}

void show_vertical_text(cairo_t* cr, const std::string& text, double x, double y) {
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_rotate(cr, -kPi / 2);
  show_text(cr, text, 0, 0, 0.5, 0.5);
  cairo_restore(cr);
}

double legend_rows(cairo_t* cr, const std::vector<LegendEntry>& entries, double x, double y,
                   double max_width, double u, bool draw) {
  const double swatch = 24 * u, gap = 6 * u, spacing = 18 * u, row = 18 * u;
  double cx = x, cy = y;
  for (const auto& e : entries) {
    const double w = swatch + gap + text_width(cr, e.label);
    if (cx > x && cx + w > x + max_width) {  // wrap, unless the entry alone is too wide
      cx = x;
      cy += row;
    }
    if (draw) {
      const double mid = cy + row / 2;
      set_color(cr, e.color);
      if (e.filled) {
        cairo_rectangle(cr, cx, mid - 5 * u, swatch, 10 * u);
        cairo_fill(cr);
      } else {
        cairo_set_line_width(cr, 2 * u);
        line(cr, cx, mid, cx + swatch, mid);
        cairo_arc(cr, cx + swatch / 2, mid, 3 * u, 0, 2 * kPi);
        cairo_fill(cr);
      }
      set_color(cr, kBlack);
      show_text(cr, e.label, cx + swatch + gap, mid, 0, 0.5);
    }
    cx += w + spacing;
  }
  return entries.empty() ? 0 : cy + row - y;
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";  // XML's &apos; is not HTML 4's; this one is both
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_figure(FigureFormat format, int width, int height,
                          const std::function<void(cairo_t*)>& draw, const std::string& what,
                          const std::string& title, const std::string& desc) {
  std::string bytes;
  std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface(
      format == FigureFormat::kPng
          ? cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height)
          : cairo_svg_surface_create_for_stream(append_to_string, &bytes, width, height));
  check_status(cairo_surface_status(surface.get()), what, "create a surface");
  {
    std::unique_ptr<cairo_t, ContextDeleter> cr(cairo_create(surface.get()));
    draw(cr.get());
    check_status(cairo_status(cr.get()), what, "draw");
  }
  if (format == FigureFormat::kPng) {
    check_status(cairo_surface_write_to_png_stream(surface.get(), append_to_string, &bytes), what,
                 "encode the PNG");
    return bytes;
  }
  cairo_surface_finish(surface.get());  // flushes the SVG into `bytes`
  check_status(cairo_surface_status(surface.get()), what, "write the SVG");
  const size_t open = bytes.find("<svg");
  const size_t end = open == std::string::npos ? open : bytes.find('>', open);
  DIGN_CHECK(end != std::string::npos, what, ": cairo produced no <svg> element");
  bytes.insert(end + 1,
               "\n<title>" + xml_escape(title) + "</title>\n<desc>" + xml_escape(desc) + "</desc>");
  return bytes;
}

FigureFormat figure_format_for_path(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".png") return FigureFormat::kPng;
  if (ext == ".svg") return FigureFormat::kSvg;
  throw Error(
      detail::concat("figure '", path, "': unknown extension '", ext, "'; expected .png or .svg"));
}

}  // namespace dign::metrics
