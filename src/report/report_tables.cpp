#include "report/report_tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "metrics/figure_drawing.h"
#include "report/html_text.h"

namespace dign::report {
namespace {

const nlohmann::json& null_json() {
  static const nlohmann::json null;
  return null;
}

// j[a][b]... or null: reports differ in which sections they have.
const nlohmann::json& at_path(const nlohmann::json& j, const std::vector<std::string>& keys) {
  const nlohmann::json* p = &j;
  for (const auto& k : keys) {
    if (!p->is_object() || !p->contains(k)) return null_json();
    p = &(*p)[k];
  }
  return *p;
}

std::string swatch(size_t i) {
  const metrics::Color c = metrics::palette_color(i);
  return fmt::format("<span class=\"swatch\" style=\"background:rgb({},{},{})\"></span>",
                     static_cast<int>(std::lround(255 * c.r)),
                     static_cast<int>(std::lround(255 * c.g)),
                     static_cast<int>(std::lround(255 * c.b)));
}

std::string model_cell(const EvalReport& r, size_t i) {
  return "<th scope=\"row\">" + swatch(i) + html_escape(r.name) + "</th>";
}

// A figure's cell: percent with interval, and the JSON value for checking.
std::string figure_cell(const nlohmann::json& record, const std::string& key,
                        const std::string& path) {
  const double v = number_or_nan(record, key);
  if (!std::isfinite(v)) return "<td class=\"na\" data-key=\"" + path + "\">\u2013</td>";
  return fmt::format("<td class=\"num\" data-key=\"{}\" data-value=\"{}\">{}</td>", path,
                     nlohmann::json(v).dump(), percent_with_interval(record, key));
}

std::string sharpness_cell(const nlohmann::json& record) {
  const double v = number_or_nan(record, "sharpness");
  return std::isfinite(v) ? fmt::format("<td class=\"num\">{:.1f}</td>", v)
                          : "<td class=\"na\">\u2013</td>";
}

}  // namespace

std::string headline_table(const std::vector<EvalReport>& reports) {
  std::string out =
      "<table class=\"headline\" id=\"headline-table\">\n<thead><tr><th>model</th><th>clean "
      "accuracy</th><th>mCA</th><th>mCA-N</th><th>RMSE (clean)</th><th>RMSE-N</th>"
      "<th>model and method</th></tr></thead>\n<tbody>\n";
  for (size_t i = 0; i < reports.size(); ++i) {
    const auto& j = reports[i].json;
    const auto& k = at_path(j, {"corrupted"});
    out += "<tr class=\"model\">" + model_cell(reports[i], i);
    out += figure_cell(j["clean"], "accuracy", "clean.accuracy");
    out += figure_cell(k, "mca", "corrupted.mca");
    out += figure_cell(k, "mca_n", "corrupted.mca_n");
    out += figure_cell(j["clean"], "rmse", "clean.rmse");
    out += figure_cell(at_path(k, {"noise"}), "rmse", "corrupted.noise.rmse");
    out += "<td class=\"text\">" + html_escape(model_description(j)) + "</td></tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

std::string calibration_table(const std::vector<EvalReport>& reports) {
  std::string out =
      "<table class=\"calibration\">\n<thead><tr><th>model</th><th>data</th><th>images</th>"
      "<th>accuracy</th><th>RMSE</th><th>ECE</th><th>OE</th><th>SH</th></tr></thead>\n<tbody>\n";
  for (size_t i = 0; i < reports.size(); ++i) {
    const auto& j = reports[i].json;
    const std::vector<std::pair<std::string, const nlohmann::json*>> rows = {
        {"clean", &j["clean"]},
        {"all corruptions (pooled)", &at_path(j, {"corrupted", "all"})},
        {"noise corruptions (pooled, -N)", &at_path(j, {"corrupted", "noise"})}};
    for (const auto& row : rows) {
      const nlohmann::json& c = *row.second;
      if (!c.is_object()) continue;
      out += "<tr>" + model_cell(reports[i], i) + "<td class=\"text\">" + row.first + "</td>";
      out += "<td class=\"num\">" + json_text(c.value("images", nlohmann::json())) + "</td>";
      for (const char* key : {"accuracy", "rmse", "ece", "oe"}) {
        out += "<td class=\"num\">" + percent_with_interval(c, key) + "</td>";
      }
      out += sharpness_cell(c) + "</tr>\n";
    }
  }
  return out + "</tbody>\n</table>\n";
}

std::string adversarial_table(const std::vector<EvalReport>& reports) {
  std::string rows;
  for (size_t i = 0; i < reports.size(); ++i) {
    for (const auto& a : reports[i].json.value("adversarial", nlohmann::json::array())) {
      if (!a.is_object()) continue;
      const double eps = number_or_nan(a, "epsilon");
      std::string eps_text = std::isfinite(eps) ? fmt::format("{:.4g}", eps) : "\u2013";
      if (a.value("norm", "") == "linf" && std::isfinite(eps)) {
        eps_text += fmt::format(" ({:.3g}/255)", 255 * eps);
      }
      const double se = number_or_nan(a, "accuracy_se");
      rows += "<tr>" + model_cell(reports[i], i);
      rows += "<td class=\"text\">" + html_escape(json_text(a.value("attack", nlohmann::json()))) +
              "</td><td class=\"text\">" +
              html_escape(json_text(a.value("norm", nlohmann::json()))) + "</td>";
      rows += "<td class=\"num\">" + eps_text + "</td>";
      rows += "<td class=\"num\">" + json_text(a.value("steps", nlohmann::json())) + "</td>";
      rows += "<td class=\"num\">" + json_text(a.value("restarts", nlohmann::json())) + "</td>";
      rows += "<td class=\"text\">" +
              html_escape(a.value("random_start", false) ? "random start" : "from the image") +
              ", " + html_escape(json_text(a.value("iterate", nlohmann::json()))) + "</td>";
      rows += "<td class=\"num\">" + json_text(a.value("images", nlohmann::json())) + "</td>";
      rows += "<td class=\"num\">" + percent_with_interval(a, "accuracy") +
              (std::isfinite(se) ? " \u00b1 " + percent(se) : "") + "</td></tr>\n";
    }
  }
  if (rows.empty()) return "";
  return "<table class=\"adversarial\">\n<thead><tr><th>model</th><th>attack</th><th>norm</th>"
         "<th>\u03b5</th><th>steps</th><th>restarts</th><th>start, iterate</th><th>images</th>"
         "<th>robust accuracy (\u00b1 SE)</th></tr></thead>\n<tbody>\n" +
         rows + "</tbody>\n</table>\n";
}

std::string temperature_table(const std::vector<EvalReport>& reports) {
  std::string rows;
  for (size_t i = 0; i < reports.size(); ++i) {
    const auto& j = reports[i].json;
    std::string temperature = "\u2013";
    const auto& t = at_path(j, {"calibration_temperature"});
    if (t.is_number()) {
      temperature = fmt::format("{:.4g}", t.get<double>());
    } else if (t.is_object() && std::isfinite(number_or_nan(t, "value"))) {
      temperature = fmt::format("{:.4g}", number_or_nan(t, "value"));
    } else if (!t.is_null()) {
      temperature = html_escape(json_text(t));
    }
    std::vector<std::pair<std::string, const nlohmann::json*>> conditions = {
        {"clean", &j["clean"]},
        {"all corruptions (pooled)", &at_path(j, {"corrupted", "all"})},
        {"noise corruptions (pooled, -N)", &at_path(j, {"corrupted", "noise"})}};
    for (const auto& g : gaussian_noise_records(j)) {
      conditions.push_back(
          {fmt::format("Gaussian noise \u03c3 = {:g}", g["sigma"].get<double>()), &g});
    }
    bool any = false;
    for (const auto& c : conditions) {
      const nlohmann::json& scaled = at_path(*c.second, {"temperature_scaled"});
      if (!scaled.is_object()) continue;
      any = true;
      rows += "<tr>" + model_cell(reports[i], i) + "<td class=\"num\">" + temperature +
              "</td><td class=\"text\">" + html_escape(c.first) + "</td>";
      for (const char* key : {"rmse", "ece", "oe"}) {
        rows += "<td class=\"num\">" + percent_with_interval(*c.second, key) + " \u2192 " +
                percent_with_interval(scaled, key) + "</td>";
      }
      rows += "</tr>\n";
    }
    if (!any && !t.is_null()) {
      rows += "<tr>" + model_cell(reports[i], i) + "<td class=\"num\">" + temperature +
              "</td><td class=\"text\">(no temperature_scaled records)</td><td></td><td></td>"
              "<td></td></tr>\n";
    }
  }
  if (rows.empty()) return "";
  return "<table class=\"temperature\">\n<thead><tr><th>model</th><th>temperature</th>"
         "<th>data</th><th>RMSE: raw \u2192 scaled</th><th>ECE: raw \u2192 scaled</th>"
         "<th>OE: raw \u2192 scaled</th></tr></thead>\n<tbody>\n" +
         rows + "</tbody>\n</table>\n";
}

std::string provenance_table(const std::vector<EvalReport>& reports) {
  // Rows: the report file, the model record, the corrupted set and bootstrap settings, then
  // every provenance field any report has (in the order first seen), then the timing.
  std::vector<std::pair<std::string, std::function<nlohmann::json(const EvalReport&)>>> rows;
  rows.push_back({"report file", [](const EvalReport& r) { return nlohmann::json(r.path); }});
  std::vector<std::string> model_keys, provenance_keys;
  for (const auto& r : reports) {
    for (const char* section : {"model", "provenance"}) {
      const auto& s = at_path(r.json, {section});
      if (!s.is_object()) continue;
      auto& keys = std::string(section) == "model" ? model_keys : provenance_keys;
      for (auto it = s.begin(); it != s.end(); ++it) {
        if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) keys.push_back(it.key());
      }
    }
  }
  for (const auto& key : model_keys) {
    rows.push_back({"model." + key, [key](const EvalReport& r) {
                      return at_path(r.json, {"model", key});
                    }});
  }
  rows.push_back({"corrupted set", [](const EvalReport& r) {
                    return at_path(r.json, {"corrupted", "set"});
                  }});
  rows.push_back({"bootstrap", [](const EvalReport& r) {
                    const auto& b = at_path(r.json, {"bootstrap"});
                    return b.is_object() ? nlohmann::json({{"resamples", b.value("resamples", 0)},
                                                           {"seed", b.value("seed", 0)}})
                                         : nlohmann::json();
                  }});
  for (const auto& key : provenance_keys) {
    rows.push_back({key, [key](const EvalReport& r) {
                      return at_path(r.json, {"provenance", key});
                    }});
  }
  rows.push_back({"timing", [](const EvalReport& r) { return at_path(r.json, {"timing"}); }});

  std::string out = "<table class=\"provenance\">\n<thead><tr><th>field</th>";
  for (size_t i = 0; i < reports.size(); ++i) {
    out += "<th scope=\"col\">" + swatch(i) + html_escape(reports[i].name) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr><th scope=\"row\">" + html_escape(row.first) + "</th>";
    for (const auto& r : reports) {
      const nlohmann::json v = row.second(r);
      out += v.is_null() ? std::string("<td class=\"na\">\u2013</td>")
                         : "<td class=\"text\">" + html_escape(json_text(v)) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

}  // namespace dign::report
