// The noise figures of the report: accuracy and RMSE against the Gaussian sigma, and the
// reliability diagrams (clean, noise corruptions pooled, each sigma).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "metrics/reliability_diagram.h"
#include "report/chart.h"
#include "report/html_text.h"
#include "report/report_figures.h"

namespace dign::report {
namespace {

using metrics::kBlack;
using metrics::set_color;
using metrics::show_text;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The sigmas of every report, increasing.
std::vector<double> sigmas(const std::vector<EvalReport>& reports) {
  std::vector<double> out;
  for (const auto& r : reports) {
    for (const auto& g : gaussian_noise_records(r.json)) {
      const double s = g["sigma"].get<double>();
      if (std::none_of(out.begin(), out.end(), [s](double t) { return std::abs(s - t) < 1e-12; })) {
        out.push_back(s);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

const nlohmann::json* find_sigma(const EvalReport& r, double sigma) {
  for (const auto& g : gaussian_noise_records(r.json)) {
    if (std::abs(g["sigma"].get<double>() - sigma) < 1e-12) return &g;
  }
  return nullptr;
}

ChartPoint point(double x, const nlohmann::json& record, const std::string& key) {
  ChartPoint p{x, number_or_nan(record, key), kNaN, kNaN};
  interval(record, key, &p.low, &p.high);
  return p;
}

std::string sigma_label(double s) {
  return fmt::format("{:g}", s);
}

// The y range of a panel: [0, 1] for accuracy, [0, the largest value rounded up] otherwise.
double panel_top(const std::vector<ChartSeries>& series, double* step) {
  double top = 0;
  for (const auto& s : series) {
    for (const auto& p : s.points) {
      for (double v : {p.y, p.high}) {
        if (std::isfinite(v)) top = std::max(top, v);
      }
    }
  }
  *step = top > 0.25 ? 0.1 : top > 0.1 ? 0.05 : 0.02;
  return std::max(*step, std::ceil(top / *step - 1e-9) * *step);
}

}  // namespace

Figure noise_figure(const std::vector<EvalReport>& reports) {
  const std::vector<double> levels = sigmas(reports);
  if (levels.empty()) return {};
  std::vector<ChartSeries> accuracy, rmse;
  std::vector<std::string> names;
  for (size_t i = 0; i < reports.size(); ++i) {
    names.push_back(reports[i].name);
    const auto& clean = reports[i].json["clean"];
    ChartSeries a{i, {point(0, clean, "accuracy")}}, r{i, {point(0, clean, "rmse")}};
    for (double s : levels) {
      const nlohmann::json* g = find_sigma(reports[i], s);
      if (g == nullptr) continue;
      a.points.push_back(point(s, *g, "accuracy"));
      r.points.push_back(point(s, *g, "rmse"));
    }
    accuracy.push_back(std::move(a));
    rmse.push_back(std::move(r));
  }
  std::vector<Tick> x_ticks = {{0, "0"}};
  for (double s : levels) x_ticks.push_back({s, sigma_label(s)});
  const double u = 1, width = 1000, top = 38 + model_legend_height(names, width, u) + 30;
  const double height = top + 300 + 50;
  double rmse_step = 0.1;
  const double rmse_top = panel_top(rmse, &rmse_step);
  Figure figure;
  figure.caption =
      "Accuracy and RMSE (%) under Gaussian noise of standard deviation \u03c3 per pixel "
      "([0,1] pixel units, clipped to [0,1]); \u03c3 = 0: clean test images" +
      std::string(reports.front().json.contains("bootstrap") ? "; whiskers: 95% intervals" : "") +
      ".";
  std::string desc = "models: ";
  for (size_t i = 0; i < names.size(); ++i) desc += (i ? ", " : "") + names[i];
  figure.svg = metrics::render_figure(
      metrics::FigureFormat::kSvg, static_cast<int>(width), static_cast<int>(height),
      [&](cairo_t* cr) {
        begin_figure(cr, width, "Gaussian noise", u);
        draw_model_legend(cr, names, false, width, 38, u);
        const double pad = 0.04 * levels.back();
        for (int p = 0; p < 2; ++p) {
          Frame f;
          f.left = 70 + p * width / 2;
          f.top = top;
          f.width = width / 2 - 100;
          f.height = 300;
          f.x_min = -pad;
          f.x_max = levels.back() + pad;
          f.y_min = 0;
          f.y_max = p == 0 ? 1.0 : rmse_top;
          draw_frame(
              cr, f, x_ticks,
              p == 0 ? even_ticks(0, 1, 0.2, true) : even_ticks(0, rmse_top, rmse_step, true), true,
              true, u);
          draw_curves(cr, f, p == 0 ? accuracy : rmse, 2 * u, u);
          set_color(cr, kBlack);
          cairo_set_font_size(cr, 13 * u);
          show_text(cr, p == 0 ? "accuracy" : "calibration: RMSE", f.left + f.width / 2,
                    f.top - 12 * u, 0.5, 0.5);
          cairo_set_font_size(cr, 12 * u);
          show_text(cr, "\u03c3 ([0,1] pixel units)", f.left + f.width / 2,
                    f.top + f.height + 22 * u, 0.5, 0);
          metrics::show_vertical_text(cr, p == 0 ? "accuracy (%)" : "RMSE (%)", f.left - 48 * u,
                                      f.top + f.height / 2);
        }
      },
      "noise figure", "Accuracy and calibration under Gaussian noise", desc);
  return figure;
}

namespace {

struct Condition {
  std::string title, caption;
  std::vector<nlohmann::json> records;  // per report; null = none
};

// One diagram per condition with every model when their bins agree (a missing record shows as
// "no predictions", keeping every model's colour); else one diagram per model.
std::vector<Figure> diagrams(const std::vector<Condition>& conditions,
                             const std::vector<EvalReport>& reports) {
  std::vector<Figure> figures;
  for (const auto& c : conditions) {
    bool same_bins = true;
    int64_t bins = -1;
    for (const auto& record : c.records) {
      if (record.is_null()) continue;
      const int64_t b = static_cast<int64_t>(record["bins"].size());
      same_bins = same_bins && (bins < 0 || bins == b);
      bins = b;
    }
    if (bins < 0) continue;  // no model has this condition
    metrics::ReliabilityDiagramOptions options;
    options.width = options.height = 560;
    options.title = c.title;
    const std::string how = " Bars: accuracy per confidence bin; black ticks: mean confidence.";
    if (same_bins) {
      std::vector<metrics::ReliabilitySeries> series;
      for (size_t i = 0; i < reports.size(); ++i) {
        series.push_back({reports[i].name, calibration_of(c.records[i], bins)});
      }
      figures.push_back(
          {metrics::render_reliability_diagram(series, metrics::FigureFormat::kSvg, options),
           c.caption + how});
      continue;
    }
    for (size_t i = 0; i < reports.size(); ++i) {
      if (c.records[i].is_null()) continue;
      options.title = c.title + ": " + reports[i].name;
      figures.push_back(
          {metrics::render_reliability_diagram({{reports[i].name, calibration_of(c.records[i], 0)}},
                                               metrics::FigureFormat::kSvg, options),
           c.caption + how + " (" + reports[i].name + ": the models' bins differ)"});
    }
  }
  return figures;
}

const nlohmann::json& pooled_noise(const EvalReport& r) {
  static const nlohmann::json none;
  if (!r.json.contains("corrupted") || !r.json["corrupted"].contains("noise")) return none;
  return r.json["corrupted"]["noise"];
}

}  // namespace

std::vector<Figure> reliability_figures(const std::vector<EvalReport>& reports) {
  std::vector<Condition> conditions;
  Condition clean{"Clean test images", "Reliability diagram on the clean test images.", {}};
  Condition noise{"Noise corruptions, pooled (-N)",
                  "Reliability diagram on the noise corruptions pooled over their severities: the "
                  "calibration behind RMSE-N.",
                  {}};
  for (const auto& r : reports) {
    clean.records.push_back(r.json["clean"]);
    noise.records.push_back(pooled_noise(r).is_object() ? pooled_noise(r) : nlohmann::json());
  }
  conditions.push_back(clean);
  conditions.push_back(noise);
  for (double s : sigmas(reports)) {
    Condition g{"Gaussian noise \u03c3 = " + sigma_label(s),
                "Reliability diagram under Gaussian noise of \u03c3 = " + sigma_label(s) + ".",
                {}};
    for (const auto& r : reports) {
      const nlohmann::json* record = find_sigma(r, s);
      g.records.push_back(record != nullptr ? *record : nlohmann::json());
    }
    conditions.push_back(g);
  }
  return diagrams(conditions, reports);
}

std::vector<Figure> temperature_figures(const std::vector<EvalReport>& reports) {
  Condition clean{"Clean, temperature-scaled",
                  "Reliability diagram on the clean test images with each model's fitted "
                  "temperature (dign calibrate): softmax(logits / T).",
                  {}};
  Condition noise{"Noise corruptions (-N), temperature-scaled",
                  "Reliability diagram on the noise corruptions pooled, with the temperature "
                  "fitted on clean held-out images.",
                  {}};
  bool any = false;
  for (const auto& r : reports) {
    for (auto* c : {&clean, &noise}) {
      const nlohmann::json& record = c == &clean ? r.json["clean"] : pooled_noise(r);
      nlohmann::json scaled;
      if (record.is_object() && record.contains("temperature_scaled") &&
          record["temperature_scaled"].is_object()) {
        // A temperature leaves the predictions, hence the accuracy and counts, unchanged.
        scaled = record["temperature_scaled"];
        scaled["images"] = record["images"];
        scaled["accuracy"] = record["accuracy"];
        any = true;
      }
      c->records.push_back(scaled);
    }
  }
  return any ? diagrams({clean, noise}, reports) : std::vector<Figure>{};
}

}  // namespace dign::report
