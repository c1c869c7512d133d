// The corrupted-set figures of the report: accuracy against severity per corruption (small
// multiples) and mean accuracy per corruption (grouped bars).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "report/chart.h"
#include "report/html_text.h"
#include "report/report_figures.h"

namespace dign::report {
namespace {

using metrics::kBlack;
using metrics::set_color;
using metrics::show_text;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Corruption {
  std::string name;
  bool noise = false, in_mca = true;
};

// The corruptions of every report, in the order they first appear.
std::vector<Corruption> corruptions(const std::vector<EvalReport>& reports) {
  std::vector<Corruption> out;
  for (const auto& r : reports) {
    if (!r.json.contains("corrupted")) continue;
    for (const auto& c : r.json["corrupted"]["per_corruption"]) {
      const std::string name = c["name"].get<std::string>();
      if (std::any_of(out.begin(), out.end(),
                      [&name](const Corruption& k) { return k.name == name; })) {
        continue;
      }
      Corruption k;
      k.name = name;
      k.noise = c.value("noise", false);
      k.in_mca = c.value("in_mca", true);
      out.push_back(k);
    }
  }
  return out;
}

const nlohmann::json* find_corruption(const EvalReport& r, const std::string& name) {
  if (!r.json.contains("corrupted")) return nullptr;
  for (const auto& c : r.json["corrupted"]["per_corruption"]) {
    if (c["name"] == name) return &c;
  }
  return nullptr;
}

ChartPoint point(double x, const nlohmann::json& record, const std::string& key) {
  ChartPoint p{x, number_or_nan(record, key), kNaN, kNaN};
  interval(record, key, &p.low, &p.high);
  return p;
}

std::vector<std::string> names(const std::vector<EvalReport>& reports) {
  std::vector<std::string> out;
  for (const auto& r : reports) out.push_back(r.name);
  return out;
}

std::string panel_title(const Corruption& c) {
  if (!c.in_mca) return c.name + " (not in mCA)";
  return c.noise ? c.name + " (N)" : c.name;
}

}  // namespace

Figure severity_figure(const std::vector<EvalReport>& reports) {
  const std::vector<Corruption> list = corruptions(reports);
  if (list.empty()) return {};
  // Per corruption, per model: clean accuracy at severity 0, then each severity.
  std::vector<std::vector<ChartSeries>> panels;
  double low = 1.0, x_max = 1;
  for (const auto& c : list) {
    std::vector<ChartSeries> panel;
    for (size_t i = 0; i < reports.size(); ++i) {
      const nlohmann::json* k = find_corruption(reports[i], c.name);
      if (k == nullptr) continue;
      ChartSeries s{i, {point(0, reports[i].json["clean"], "accuracy")}};
      for (const auto& sev : (*k)["severities"]) {
        s.points.push_back(point(sev["severity"].get<double>(), sev, "accuracy"));
        x_max = std::max(x_max, sev["severity"].get<double>());
      }
      for (const auto& p : s.points) {
        for (double v : {p.y, p.low}) {
          if (std::isfinite(v)) low = std::min(low, v);
        }
      }
      panel.push_back(std::move(s));
    }
    panels.push_back(std::move(panel));
  }
  // One y scale for every panel, so that panels compare at a glance.
  const double y_min = std::clamp(std::floor(low * 10 - 1e-9) / 10, 0.0, 0.9);
  const double y_step = 1.0 - y_min > 0.5 ? 0.2 : 0.1;
  const auto y_ticks =
      even_ticks(1.0 - y_step * std::floor((1.0 - y_min) / y_step + 1e-9), 1.0, y_step, true);
  const auto x_ticks = even_ticks(0, x_max, 1, false);
  const size_t cols = std::min<size_t>(5, list.size());
  const size_t rows = (list.size() + cols - 1) / cols;
  const double u = 1, pw = 226, ph = 176, margin = 34;
  const double width = margin + cols * pw + 10;
  Figure figure;
  figure.caption =
      "Accuracy (%) against severity for each corruption (severity 0: clean test images), one "
      "colour per model" +
      std::string(reports.front().json.contains("bootstrap") ? ", whiskers: 95% intervals" : "") +
      ". (N): in the noise set of mCA-N; (not in mCA): left out of mCA and the pooled figures, as "
      "in the paper.";
  const double header = 40 + model_legend_height(names(reports), width, u) + 8;
  const double height = header + rows * ph + 34;
  std::string desc = "models: ";
  for (size_t i = 0; i < reports.size(); ++i) desc += (i ? ", " : "") + reports[i].name;
  figure.svg = metrics::render_figure(
      metrics::FigureFormat::kSvg, static_cast<int>(width), static_cast<int>(height),
      [&](cairo_t* cr) {
        begin_figure(cr, width, "Accuracy against corruption severity", u);
        draw_model_legend(cr, names(reports), false, width, 40, u);
        for (size_t p = 0; p < list.size(); ++p) {
          const double x0 = margin + (p % cols) * pw, y0 = header + (p / cols) * ph;
          Frame f;
          f.left = x0 + 30 * u;
          f.top = y0 + 20 * u;
          f.width = pw - 40 * u;
          f.height = ph - 44 * u;
          f.x_min = -0.3;
          f.x_max = x_max + 0.3;
          f.y_min = y_ticks.front().value;
          f.y_max = 1.0;
          draw_frame(cr, f, x_ticks, y_ticks, true, true, u);
          draw_curves(cr, f, panels[p], 3 * u, u);
          set_color(cr, kBlack);
          cairo_set_font_size(cr, 12 * u);
          show_text(cr, panel_title(list[p]), f.left + f.width / 2, y0 + 9 * u, 0.5, 0.5);
        }
        cairo_set_font_size(cr, 12 * u);
        show_text(cr, "severity (0 = clean)", width / 2, height - 8 * u, 0.5, 1.0);
        metrics::show_vertical_text(cr, "accuracy (%)", 12 * u, header + rows * ph / 2);
      },
      "severity figure", "Accuracy against corruption severity", desc);
  return figure;
}

Figure corruption_bars_figure(const std::vector<EvalReport>& reports) {
  const std::vector<Corruption> list = corruptions(reports);
  if (list.empty()) return {};
  const double u = 1, n = static_cast<double>(reports.size());
  // Room on the left for the first name, turned under its group; a few corruptions spread
  // over the 700 pixels of the narrowest figure.
  const double left = 120, groups = static_cast<double>(list.size());
  const double bar = std::clamp(60.0 / n, 5.0, 12.0);
  const double group = std::max(n * bar + 14, (700 - left - 20) / groups);
  const double width = left + groups * group + 20;
  const double top = 38 + model_legend_height(names(reports), width, u) + 14;
  const double plot_h = 300, height = top + plot_h + 130;
  Frame f;
  f.left = left;
  f.top = top;
  f.width = list.size() * group;
  f.height = plot_h;
  f.x_min = 0;
  f.x_max = static_cast<double>(list.size());
  Figure figure;
  figure.caption =
      "Mean accuracy (%) over the severities for each corruption, one bar per model" +
      std::string(reports.front().json.contains("bootstrap") ? " (whiskers: 95% intervals)" : "") +
      ". (N): in the noise set of mCA-N; (not in mCA): left out of mCA.";
  std::string desc = "models: ";
  for (size_t i = 0; i < reports.size(); ++i) desc += (i ? ", " : "") + reports[i].name;
  figure.svg = metrics::render_figure(
      metrics::FigureFormat::kSvg, static_cast<int>(width), static_cast<int>(height),
      [&](cairo_t* cr) {
        begin_figure(cr, width, "Mean accuracy per corruption", u);
        draw_model_legend(cr, names(reports), true, width, 38, u);
        draw_frame(cr, f, {}, even_ticks(0, 1, 0.2, true), false, true, u);
        for (size_t g = 0; g < list.size(); ++g) {
          const double gx = f.left + g * group + (group - n * bar) / 2;
          for (size_t i = 0; i < reports.size(); ++i) {
            const nlohmann::json* k = find_corruption(reports[i], list[g].name);
            if (k == nullptr) continue;
            const ChartPoint p = point(0, *k, "mean_accuracy");
            if (!std::isfinite(p.y)) continue;
            const double x = gx + i * bar;
            set_color(cr, metrics::palette_color(i));
            cairo_rectangle(cr, x, f.y_of(p.y), bar - 1, f.y_of(0) - f.y_of(p.y));
            cairo_fill(cr);
            if (std::isfinite(p.low) && std::isfinite(p.high)) {
              set_color(cr, kBlack);
              cairo_set_line_width(cr, 1 * u);
              metrics::line(cr, x + bar / 2, f.y_of(p.low), x + bar / 2, f.y_of(p.high));
            }
          }
          // The corruption's name under its group, turned 40 degrees.
          set_color(cr, kBlack);
          cairo_set_font_size(cr, 11 * u);
          cairo_save(cr);
          cairo_translate(cr, gx + n * bar / 2, f.top + f.height + 6 * u);
          cairo_rotate(cr, -40 * metrics::kPi / 180);
          show_text(cr, panel_title(list[g]), 0, 0, 1.0, 0.5);
          cairo_restore(cr);
        }
        cairo_set_font_size(cr, 12 * u);
        metrics::show_vertical_text(cr, "mean accuracy (%)", 18 * u, f.top + f.height / 2);
      },
      "corruption bars", "Mean accuracy per corruption", desc);
  return figure;
}

}  // namespace dign::report
