#include "eval/report.h"

#include <fmt/format.h>

#include <filesystem>

#include "core/file_io.h"
#include "eval/corruption_report.h"

namespace dign::eval {
namespace fs = std::filesystem;

namespace {

// ece, rmse, oe, sharpness (with its note when undefined) and the reliability bins.
void add_calibration(nlohmann::json& j, const metrics::CalibrationResult& cal) {
  j["ece"] = cal.ece;
  j["rmse"] = cal.rmse;
  j["oe"] = cal.oe;
  j["sharpness"] = cal.sharpness ? nlohmann::json(*cal.sharpness) : nlohmann::json(nullptr);
  if (!cal.sharpness) j["sharpness_note"] = cal.sharpness_note;
  nlohmann::json bins = nlohmann::json::array();
  for (const auto& b : cal.bins) {
    bins.push_back({{"low", b.low},
                    {"high", b.high},
                    {"count", b.count},
                    {"accuracy", b.accuracy},
                    {"confidence", b.confidence}});
  }
  j["bins"] = bins;
}

}  // namespace

nlohmann::json condition_json(const ConditionResult& r) {
  nlohmann::json j;
  if (r.sigma > 0) j["sigma"] = r.sigma;
  j["images"] = r.accuracy.total();
  j["accuracy"] = r.accuracy.value();
  j["accuracy_se"] = r.accuracy.standard_error();
  add_calibration(j, r.calibration.value());
  if (r.scaled) {
    // dign calibrate's temperature applied: the same predictions' calibration (accuracy is
    // unchanged by a temperature, so it is not repeated).
    nlohmann::json scaled = {{"temperature", r.temperature}};
    add_calibration(scaled, r.scaled->value());
    j["temperature_scaled"] = scaled;
  }
  return j;
}

namespace {

// The figures with bootstrap intervals, and those a temperature changes (CSV columns).
constexpr const char* kIntervalFigures[] = {"accuracy", "ece", "rmse", "oe", "sharpness"};
constexpr const char* kScaledFigures[] = {"ece", "rmse", "oe", "sharpness"};

std::string number(const nlohmann::json& v, int digits = 4) {
  return v.is_number() ? fmt::format("{:.{}f}", v.get<double>(), digits) : std::string("null");
}

// "value [low, high]" when the record has the figure's bootstrap interval (<key>_ci95).
std::string with_interval(const nlohmann::json& record, const std::string& key, int digits = 4) {
  std::string out = number(record[key], digits);
  const auto ci = record.find(key + "_ci95");
  if (ci != record.end() && ci->is_array()) {
    out += fmt::format(" [{}, {}]", number((*ci)[0], digits), number((*ci)[1], digits));
  }
  return out;
}

std::vector<std::pair<std::string, nlohmann::json>> conditions(const nlohmann::json& report) {
  std::vector<std::pair<std::string, nlohmann::json>> rows = {{"clean", report.at("clean")}};
  for (const auto& g : report.value("gaussian_noise", nlohmann::json::array())) {
    rows.emplace_back(fmt::format("gaussian_noise sigma={}", g.at("sigma").get<double>()), g);
  }
  return rows;
}

}  // namespace

std::string csv_extra_header(const nlohmann::json& report) {
  std::string out;
  if (report.contains("bootstrap")) {
    for (const char* name : kIntervalFigures) {
      out += fmt::format(",{0}_ci95_low,{0}_ci95_high", name);
    }
  }
  if (report.contains("calibration_temperature")) {
    for (const char* name : kScaledFigures) out += fmt::format(",temperature_scaled_{}", name);
  }
  return out;
}

std::string csv_extra_cells(const nlohmann::json& report, const nlohmann::json& record) {
  std::string out;
  if (report.contains("bootstrap")) {
    for (const char* name : kIntervalFigures) {
      const auto ci = record.find(std::string(name) + "_ci95");
      const bool has = ci != record.end() && ci->is_array();
      out += "," + (has ? number((*ci)[0], 6) : std::string()) + "," +
             (has ? number((*ci)[1], 6) : std::string());
    }
  }
  if (report.contains("calibration_temperature")) {
    const auto scaled = record.find("temperature_scaled");
    for (const char* name : kScaledFigures) {
      out += "," + (scaled != record.end() ? number((*scaled)[name], 6) : std::string());
    }
  }
  return out;
}

std::string report_csv(const nlohmann::json& report) {
  std::string out = "condition,sigma,severity,images,accuracy,accuracy_se,ece,rmse,oe,sharpness" +
                    csv_extra_header(report) + "\n";
  for (const auto& [name, c] : conditions(report)) {
    out += fmt::format("{},{},,{},{},{},{},{},{},{}{}\n",
                       c.contains("sigma") ? "gaussian_noise" : "clean",
                       c.contains("sigma") ? number(c["sigma"], 6) : "0",
                       c.at("images").get<int64_t>(), number(c["accuracy"], 6),
                       number(c["accuracy_se"], 6), number(c["ece"], 6), number(c["rmse"], 6),
                       number(c["oe"], 6), number(c["sharpness"], 6), csv_extra_cells(report, c));
  }
  for (const auto& a : report.value("adversarial", nlohmann::json::array())) {
    // The whole attack in the condition cell, as the Markdown row has it (older reports lack
    // the step fields).
    std::string settings;
    if (a.contains("steps")) {
      settings =
          fmt::format(" steps={} step_size={} random_start={} restarts={}",
                      a.at("steps").get<int64_t>(), number(a["step_size"], 6),
                      a.at("random_start").get<bool>() ? 1 : 0, a.at("restarts").get<int64_t>());
    }
    out += fmt::format("{} {} eps={}{},,,{},{},{},,,,{}\n", a.at("attack").get<std::string>(),
                       a.at("norm").get<std::string>(), number(a["epsilon"], 6), settings,
                       a.at("images").get<int64_t>(), number(a["accuracy"], 6),
                       number(a["accuracy_se"], 6), csv_extra_cells(report, a));
  }
  if (report.contains("corrupted")) out += corrupted_csv_rows(report);
  return out;
}

std::string report_markdown(const nlohmann::json& report) {
  std::string out = "| condition | accuracy | ± SE | ECE | RMSE | OE | SH |\n";
  out += "|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& [name, c] : conditions(report)) {
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", name, with_interval(c, "accuracy"),
                       number(c["accuracy_se"]), with_interval(c, "ece"), with_interval(c, "rmse"),
                       with_interval(c, "oe"), with_interval(c, "sharpness", 2));
  }
  for (const auto& a : report.value("adversarial", nlohmann::json::array())) {
    out += fmt::format(
        "| {} {} eps {}, {} steps of {}{}, {} restart(s), {} images | {} | {} | | | | |\n",
        a.at("attack").get<std::string>(), a.at("norm").get<std::string>(), number(a["epsilon"], 5),
        a.at("steps").get<int64_t>(), number(a["step_size"], 5),
        a.at("random_start").get<bool>() ? ", random start" : "", a.at("restarts").get<int64_t>(),
        a.at("images").get<int64_t>(), with_interval(a, "accuracy"), number(a["accuracy_se"]));
  }
  out += fmt::format("\nAll figures are fractions in [0,1]. Calibration binning: {}\n",
                     report.at("binning").at("rule").get<std::string>());
  if (report.contains("bootstrap")) {
    out += fmt::format("\n[low, high]: 95% intervals, {} resamples. {}\n",
                       report["bootstrap"].at("resamples").get<int64_t>(),
                       report["bootstrap"].at("method").get<std::string>());
  }
  if (report.contains("corrupted")) out += corrupted_markdown(report);
  if (report.contains("calibration_temperature")) out += temperature_markdown(report);
  return out;
}

std::string temperature_markdown(const nlohmann::json& report) {
  const auto& t = report.at("calibration_temperature");
  std::string out = fmt::format(
      "\n### Temperature scaling (T = {} from {}, fitted on {} {} images)\n\n"
      "| data | ECE | ECE (T) | RMSE | RMSE (T) | OE | OE (T) | SH | SH (T) |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
      number(t.at("value")), t.at("source").get<std::string>(),
      t.value("images", nlohmann::json()).dump(),
      t.value("split", nlohmann::json()).is_string() ? t["split"].get<std::string>() : "held-out");
  auto row = [&](const std::string& label, const nlohmann::json& c) {
    if (!c.is_object() || !c.contains("temperature_scaled")) return;
    const auto& s = c["temperature_scaled"];
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", label, number(c["ece"]),
                       number(s["ece"]), number(c["rmse"]), number(s["rmse"]), number(c["oe"]),
                       number(s["oe"]), number(c["sharpness"], 2), number(s["sharpness"], 2));
  };
  for (const auto& [name, c] : conditions(report)) row(name, c);
  if (report.contains("corrupted")) {
    row("all corruptions (pooled)", report["corrupted"].value("all", nlohmann::json()));
    row("noise corruptions (pooled, -N)", report["corrupted"].value("noise", nlohmann::json()));
  }
  out += "\n(T): softmax(logits / T); accuracy is unchanged by a temperature.\n";
  return out;
}

void write_report(const std::string& json_path, const nlohmann::json& report) {
  const fs::path path(json_path);
  const fs::path stem = path.parent_path() / path.stem();
  write_file_atomic(json_path, report.dump(2) + "\n");
  write_file_atomic(stem.string() + ".csv", report_csv(report));
  write_file_atomic(stem.string() + ".md", report_markdown(report));
}

std::string comparison_table(const std::vector<std::string>& names,
                             const std::vector<nlohmann::json>& reports) {
  std::string out = "| metric |";
  std::string rule = "|---|";
  for (const auto& n : names) {
    out += " " + n + " |";
    rule += "---:|";
  }
  out += "\n" + rule + "\n";
  auto row = [&](const std::string& label, auto get) {
    out += "| " + label + " |";
    for (const auto& r : reports) out += " " + get(r) + " |";
    out += "\n";
  };
  row("clean accuracy", [](const nlohmann::json& r) { return number(r["clean"]["accuracy"]); });
  const auto& first = reports.front();
  for (size_t k = 0; k < first.value("gaussian_noise", nlohmann::json::array()).size(); ++k) {
    const double sigma = first["gaussian_noise"][k]["sigma"].get<double>();
    row(fmt::format("accuracy, noise sigma {}", sigma),
        [k](const nlohmann::json& r) { return number(r["gaussian_noise"][k]["accuracy"]); });
  }
  row("clean ECE", [](const nlohmann::json& r) { return number(r["clean"]["ece"]); });
  row("clean RMSE", [](const nlohmann::json& r) { return number(r["clean"]["rmse"]); });
  for (size_t k = 0; k < first.value("gaussian_noise", nlohmann::json::array()).size(); ++k) {
    const double sigma = first["gaussian_noise"][k]["sigma"].get<double>();
    row(fmt::format("RMSE, noise sigma {}", sigma),
        [k](const nlohmann::json& r) { return number(r["gaussian_noise"][k]["rmse"]); });
  }
  return out;
}

}  // namespace dign::eval
