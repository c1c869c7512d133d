#include "report/eval_reports.h"

#include <filesystem>

#include "core/error.h"
#include "core/file_io.h"
#include "report/html_text.h"

namespace dign::report {
namespace fs = std::filesystem;
namespace {

bool is_number(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number();
}
// A count: an integer >= 0 (get<int64_t>() of a huge double is undefined behaviour).
bool is_count(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) &&
         (j[key].is_number_unsigned() ||
          (j[key].is_number_integer() && j[key].get<int64_t>() >= 0));
}
bool is_fraction(const nlohmann::json& j, const char* key) {
  return is_number(j, key) && j[key].get<double>() >= 0 && j[key].get<double>() <= 1;
}

// Empty when `record` is a condition record the figures can draw; else what is wrong.
std::string condition_problem(const nlohmann::json& record, const std::string& where) {
  if (!record.is_object()) return where + " as an object";
  if (!is_count(record, "images")) return where + ".images as a count";
  if (!is_fraction(record, "accuracy")) return where + ".accuracy as a fraction in [0, 1]";
  if (!record.contains("bins") || !record["bins"].is_array() || record["bins"].empty()) {
    return where + ".bins as a non-empty array";
  }
  for (const auto& b : record["bins"]) {
    if (!is_count(b, "count")) return where + ".bins[].count as a count";
    for (const char* key : {"accuracy", "confidence", "low", "high"}) {
      if (!is_fraction(b, key)) return where + ".bins[]." + key + " as a fraction in [0, 1]";
    }
  }
  // dign calibrate's block: the same predictions' calibration under the fitted temperature.
  if (record.contains("temperature_scaled") && record["temperature_scaled"].is_object()) {
    nlohmann::json scaled = record["temperature_scaled"];
    scaled["images"] = record["images"];
    scaled["accuracy"] = record["accuracy"];
    return condition_problem(scaled, where + ".temperature_scaled");
  }
  return "";
}

std::string report_problem(const nlohmann::json& j) {
  if (!j.is_object()) return "a JSON object";
  if (!j.contains("schema_version") || j["schema_version"] != 1) return "schema_version 1";
  if (!j.contains("clean")) return "a clean record";
  std::string problem = condition_problem(j["clean"], "clean");
  if (!problem.empty()) return problem;
  if (!j.contains("model") || !j["model"].is_object()) return "a model record";
  if (j.contains("gaussian_noise")) {
    if (!j["gaussian_noise"].is_array()) return "gaussian_noise as an array";
    for (const auto& g : j["gaussian_noise"]) {
      problem = condition_problem(g, "gaussian_noise[]");
      if (!problem.empty()) return problem;
      if (!is_number(g, "sigma")) return "gaussian_noise[].sigma as a number";
    }
  }
  if (j.contains("corrupted")) {
    const auto& k = j["corrupted"];
    if (!k.is_object() || !k.contains("per_corruption") || !k["per_corruption"].is_array()) {
      return "corrupted.per_corruption as an array";
    }
    for (const auto& c : k["per_corruption"]) {
      if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) {
        return "corrupted.per_corruption[].name as a string";
      }
      if (!c.contains("severities") || !c["severities"].is_array()) {
        return "corrupted.per_corruption[].severities as an array";
      }
      for (const auto& s : c["severities"]) {
        if (!is_number(s, "severity") || !is_number(s, "accuracy")) {
          return "corrupted.per_corruption[].severities[] with a severity and an accuracy";
        }
      }
    }
    for (const char* pooled : {"all", "noise"}) {
      if (k.contains(pooled) && !k[pooled].is_null()) {
        problem = condition_problem(k[pooled], std::string("corrupted.") + pooled);
        if (!problem.empty()) return problem;
      }
    }
  }
  if (j.contains("adversarial") && !j["adversarial"].is_array()) {
    return "adversarial as an array";
  }
  return "";
}

std::string last_component(const std::string& path) {
  fs::path p(path);
  while (!p.empty() && p.filename().empty()) p = p.parent_path();  // "runs/a/" -> "runs/a"
  return p.filename().string();
}

}  // namespace

void check_eval_report(const nlohmann::json& json, const std::string& source) {
  const std::string problem = report_problem(json);
  DIGN_CHECK(problem.empty(), source, ": not a dign eval report (expected the eval.json of ",
             "'dign eval', with ", problem, ")");
}

EvalReport read_eval_report(const std::string& path) {
  DIGN_CHECK(fs::is_regular_file(path), path,
             ": no such file (expected the eval.json of 'dign eval')");
  EvalReport r;
  r.path = path;
  try {
    r.json = nlohmann::json::parse(read_text_file(path));
  } catch (const nlohmann::json::exception&) {
    throw Error(detail::concat(path, ": not valid JSON (expected the eval.json of 'dign eval')"));
  }
  check_eval_report(r.json, path);
  return r;
}

std::vector<EvalReport> read_eval_reports(const std::vector<std::string>& paths) {
  DIGN_CHECK(!paths.empty(), "report: no eval.json given");
  std::vector<EvalReport> reports;
  for (const auto& p : paths) reports.push_back(read_eval_report(p));
  assign_names(reports);
  return reports;
}

void assign_names(std::vector<EvalReport>& reports) {
  for (size_t i = 0; i < reports.size(); ++i) {
    const auto& model = reports[i].json.at("model");
    std::string name;
    for (const char* key : {"run_dir", "file"}) {
      if (name.empty() && model.contains(key) && model[key].is_string()) {
        name = last_component(model[key].get<std::string>());
      }
    }
    if (name.empty()) name = last_component(fs::path(reports[i].path).parent_path().string());
    if (name.empty()) name = "model " + std::to_string(i + 1);
    std::string unique = name;
    for (int n = 2;; ++n) {
      bool taken = false;
      for (size_t k = 0; k < i; ++k) taken = taken || reports[k].name == unique;
      if (!taken) break;
      unique = name + " (" + std::to_string(n) + ")";
    }
    reports[i].name = unique;
  }
}

std::string model_description(const nlohmann::json& report) {
  const auto& m = report.at("model");
  std::string out;
  if (m.contains("arch") && m["arch"].is_string()) {
    out = m["arch"].get<std::string>();
    if (m.contains("width")) out += " (width " + json_text(m["width"]) + ")";
  } else if (m.contains("format")) {
    out = json_text(m["format"]) + " file";
  }
  if (m.contains("method") && m["method"].is_object()) {
    const auto& method = m["method"];
    std::string settings;
    for (auto it = method.begin(); it != method.end(); ++it) {
      if (it.key() == "method") continue;
      settings += (settings.empty() ? "" : ", ") + it.key() + " " + json_text(it.value());
    }
    out += (out.empty() ? "" : ", ") +
           (method.contains("method") ? json_text(method["method"]) : std::string("method"));
    if (!settings.empty()) out += " (" + settings + ")";
  }
  return out;
}

const nlohmann::json& gaussian_noise_records(const nlohmann::json& report) {
  static const nlohmann::json none = nlohmann::json::array();
  const auto it = report.find("gaussian_noise");
  return it != report.end() && it->is_array() ? *it : none;
}

int64_t bins_of(const nlohmann::json& report) {
  if (report.contains("binning") && is_count(report["binning"], "bins") &&
      report["binning"]["bins"].get<int64_t>() >= 1 &&
      report["binning"]["bins"].get<int64_t>() <= 100000) {
    return report["binning"]["bins"].get<int64_t>();
  }
  return static_cast<int64_t>(report.at("clean").at("bins").size());
}

metrics::CalibrationResult calibration_of(const nlohmann::json& record, int64_t bins) {
  metrics::CalibrationResult r;
  r.num_bins = bins;
  if (!condition_problem(record, "record").empty()) {
    for (int64_t k = 0; k < bins; ++k) {
      metrics::CalibrationBin b;
      b.low = static_cast<double>(k) / bins;
      b.high = static_cast<double>(k + 1) / bins;
      r.bins.push_back(b);
    }
    return r;
  }
  r.count = record["images"].get<int64_t>();
  r.accuracy = record["accuracy"].get<double>();
  r.ece = is_number(record, "ece") ? record["ece"].get<double>() : 0.0;
  r.rmse = is_number(record, "rmse") ? record["rmse"].get<double>() : 0.0;
  r.oe = is_number(record, "oe") ? record["oe"].get<double>() : 0.0;
  for (const auto& j : record["bins"]) {
    metrics::CalibrationBin b;
    b.low = j["low"].get<double>();
    b.high = j["high"].get<double>();
    b.count = j["count"].get<int64_t>();
    b.accuracy = j["accuracy"].get<double>();
    b.confidence = j["confidence"].get<double>();
    r.bins.push_back(b);
  }
  r.num_bins = static_cast<int64_t>(r.bins.size());
  return r;
}

}  // namespace dign::report
