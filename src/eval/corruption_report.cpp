#include "eval/corruption_report.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "eval/report.h"

namespace dign::eval {

namespace {

std::string number(const nlohmann::json& v, int digits = 4) {
  return v.is_number() ? fmt::format("{:.{}f}", v.get<double>(), digits) : std::string("null");
}
// The paper prints percentages with one decimal; the JSON keeps fractions.
std::string percent(const nlohmann::json& v) {
  return v.is_number() ? fmt::format("{:.1f}", 100.0 * v.get<double>()) : std::string("–");
}

// The figure in percent, with its bootstrap interval "[low, high]" when the record has one.
std::string percent(const nlohmann::json& record, const std::string& key) {
  std::string out = percent(record[key]);
  const auto ci = record.find(key + "_ci95");
  if (ci != record.end() && ci->is_array()) {
    out += fmt::format(" [{}, {}]", percent((*ci)[0]), percent((*ci)[1]));
  }
  return out;
}
// SH as a number, with its interval when present.
std::string sharpness(const nlohmann::json& record) {
  std::string out = number(record["sharpness"], 2);
  const auto ci = record.find("sharpness_ci95");
  if (ci != record.end() && ci->is_array()) {
    out += fmt::format(" [{}, {}]", number((*ci)[0], 2), number((*ci)[1], 2));
  }
  return out;
}

const nlohmann::json* find_corruption(const nlohmann::json& corrupted, const std::string& name) {
  for (const auto& c : corrupted.at("per_corruption")) {
    if (c.at("name") == name) return &c;
  }
  return nullptr;
}

}  // namespace

std::string corrupted_csv_rows(const nlohmann::json& report) {
  std::string out;
  for (const auto& c : report.at("corrupted").at("per_corruption")) {
    for (const auto& s : c.at("severities")) {
      out += fmt::format("{},,{},{},{},{},{},{},{},{}{}\n", c.at("name").get<std::string>(),
                         s.at("severity").get<int>(), s.at("images").get<int64_t>(),
                         number(s["accuracy"], 6), number(s["accuracy_se"], 6), number(s["ece"], 6),
                         number(s["rmse"], 6), number(s["oe"], 6), number(s["sharpness"], 6),
                         csv_extra_cells(report, s));
    }
  }
  return out;
}

std::string corrupted_markdown(const nlohmann::json& report) {
  const auto& k = report.at("corrupted");
  std::string out = "\n### Robustness (the paper's Table 1 layout; accuracy, %)\n\n";
  out += "| metric | value |\n|---|---:|\n";
  out += fmt::format("| Clean acc. | {} |\n", percent(report.at("clean"), "accuracy"));
  out += fmt::format("| mCA ({} corruptions, {} excluded) | {} |\n",
                     k.at("mca_corruptions").get<int64_t>(), k.at("excluded").get<std::string>(),
                     percent(k, "mca"));
  out += fmt::format("| mCA-N ({} corruptions) | {} |\n", k.at("mca_n_corruptions").get<int64_t>(),
                     percent(k, "mca_n"));
  for (const auto& c : k.at("per_corruption")) {
    if (c.at("noise").get<bool>()) {
      out += fmt::format("| {} | {} |\n", c.at("name").get<std::string>(),
                         percent(c, "mean_accuracy"));
    }
  }
  if (k.contains("mca_n_note")) out += "\n" + k["mca_n_note"].get<std::string>() + "\n";
  out += "\n### Calibration (the paper's Table 2 layout; RMSE, ECE, OE in %, SH)\n\n";
  out += "| data | RMSE | ECE | OE | SH |\n|---|---:|---:|---:|---:|\n";
  auto row = [&](const std::string& label, const nlohmann::json& c) {
    if (c.is_null()) {
      out += fmt::format("| {} | – | – | – | – |\n", label);
      return;
    }
    out += fmt::format("| {} | {} | {} | {} | {} |\n", label, percent(c, "rmse"), percent(c, "ece"),
                       percent(c, "oe"), sharpness(c));
  };
  row("clean", report.at("clean"));
  row("all corruptions (pooled)", k.at("all"));
  row("noise corruptions (pooled, -N)", k.at("noise"));
  out += "\n### Accuracy per corruption and severity (%)\n\n| corruption |";
  std::string rule = "|---|";
  for (const auto& s : k.at("severities")) {
    out += fmt::format(" {} |", s.get<int>());
    rule += "---:|";
  }
  out += " mean |\n" + rule + "---:|\n";
  for (const auto& c : k.at("per_corruption")) {
    out += "| " + c.at("name").get<std::string>() + " |";
    for (const auto& s : c.at("severities")) out += " " + percent(s, "accuracy") + " |";
    out += " " + percent(c, "mean_accuracy") + " |\n";
  }
  if (k.contains("mce")) {
    out += fmt::format("\nAgainst the baseline {}: mCE {} , relative mCE {} (fractions).\n",
                       k.at("baseline").get<std::string>(), number(k["mce"]),
                       number(k["relative_mce"]));
  }
  out += fmt::format("\nUnnormalized mean corruption error (1 - mCA): {}\n",
                     number(k["mean_corruption_error_unnormalized"]));
  return out;
}

void add_baseline_errors(nlohmann::json& report, const nlohmann::json& baseline,
                         const std::string& source) {
  DIGN_CHECK(baseline.contains("corrupted") && baseline["corrupted"].is_object(), source,
             ": not an evaluation report with a 'corrupted' section");
  auto& k = report.at("corrupted");
  const auto& b = baseline.at("corrupted");
  DIGN_CHECK(k.at("severities") == b.at("severities"), source,
             ": its severities differ from this evaluation's");
  const double clean = 1.0 - report.at("clean").at("accuracy").get<double>();
  const double base_clean = 1.0 - baseline.at("clean").at("accuracy").get<double>();
  double ce_sum = 0, rel_sum = 0;
  int64_t ce_count = 0, rel_count = 0;
  for (auto& c : k.at("per_corruption")) {
    const std::string name = c.at("name").get<std::string>();
    const nlohmann::json* bc = find_corruption(b, name);
    DIGN_CHECK(bc != nullptr, source, ": has no results for ", name);
    double e = 0, eb = 0, rel = 0, rel_b = 0;
    for (size_t j = 0; j < c.at("severities").size(); ++j) {
      const double err = 1.0 - c["severities"][j].at("accuracy").get<double>();
      const double err_b = 1.0 - bc->at("severities").at(j).at("accuracy").get<double>();
      e += err;
      eb += err_b;
      rel += err - clean;
      rel_b += err_b - base_clean;
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double ce = eb > 0 ? e / eb : nan;
    const double relative = rel_b != 0 ? rel / rel_b : nan;
    c["ce"] = std::isfinite(ce) ? nlohmann::json(ce) : nlohmann::json(nullptr);
    c["relative_ce"] = std::isfinite(relative) ? nlohmann::json(relative) : nlohmann::json(nullptr);
    // A corruption on which the baseline makes no error (or, for the relative figure, no
    // more than on clean data) has no ratio; it is left out of that mean.
    if (c.at("in_mca").get<bool>() && std::isfinite(ce)) {
      ce_sum += ce;
      ++ce_count;
    }
    if (c.at("in_mca").get<bool>() && std::isfinite(relative)) {
      rel_sum += relative;
      ++rel_count;
    }
  }
  k["baseline"] = source;
  k["mce"] = ce_count > 0 ? nlohmann::json(ce_sum / static_cast<double>(ce_count)) : nullptr;
  k["relative_mce"] =
      rel_count > 0 ? nlohmann::json(rel_sum / static_cast<double>(rel_count)) : nullptr;
  k["mce_note"] =
      "ce = sum over severities of this model's error / the baseline's; relative_ce uses errors "
      "minus each model's clean error (Hendrycks & Dietterich 2019); means over the mCA "
      "corruptions; fractions (1.0 = the baseline's error)";
}

}  // namespace dign::eval
