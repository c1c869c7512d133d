#pragma once
// The evaluation report: one JSON layout that users and scripts rely on
// (fractions in [0,1], never percentages; everything but `timing` is
// deterministic), plus a CSV (one row per condition) and a Markdown table.
//
// Layout (schema_version 1):
//   { "schema_version": 1,
//     "model": {...}, "binning": {"bins": 16, "rule": "..."},
//     "clean": {"images", "accuracy", "accuracy_se", "ece", "rmse", "oe", "sharpness",
//               ["sharpness_note"], "bins": [{"low","high","count","accuracy","confidence"}]},
//     "gaussian_noise": [ {"sigma", ...same fields...} ],
//     (with DIR/calibration.json of `dign calibrate`: "calibration_temperature": {"value",
//      "source", ...} and in each condition "temperature_scaled": {"temperature", "ece",
//      "rmse", "oe", "sharpness", "bins"})
//     "provenance": {...}, "timing": {...} }
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "eval/evaluator.h"

namespace dign::eval {

constexpr int kReportSchemaVersion = 1;

/// The record of one condition (accuracy, calibration, reliability bins).
nlohmann::json condition_json(const ConditionResult& result);

/// Writes FILE.json and, beside it with the same stem, FILE.csv and FILE.md (atomically).
void write_report(const std::string& json_path, const nlohmann::json& report);

std::string report_csv(const nlohmann::json& report);
std::string report_markdown(const nlohmann::json& report);

/// The CSV's optional columns, after the fixed ten (absent unless the report has them):
/// <name>_ci95_low, <name>_ci95_high for accuracy, ece, rmse, oe and sharpness with --bootstrap;
/// temperature_scaled_<name> for ece, rmse, oe and sharpness with a calibration temperature.
/// Cells are empty where a row has no such figure.
std::string csv_extra_header(const nlohmann::json& report);
/// ",cell,cell,..." of one row's record, matching csv_extra_header(report).
std::string csv_extra_cells(const nlohmann::json& report, const nlohmann::json& record);

/// Markdown: ECE, RMSE, OE, SH without and with the temperature, clean, per noise level and
/// pooled corrupted ("calibration_temperature" and the temperature_scaled blocks).
std::string temperature_markdown(const nlohmann::json& report);

/// Side-by-side table of several reports (clean accuracy, noisy accuracy, calibration):
/// `names` label the columns.
std::string comparison_table(const std::vector<std::string>& names,
                             const std::vector<nlohmann::json>& reports);

}  // namespace dign::eval
