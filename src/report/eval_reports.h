#pragma once
// The inputs of the HTML report: `dign eval` reports (eval.json, schema_version 1, see
// eval/report.h), checked on reading so that the page is never half made from a file that is
// something else, each with the name it carries in legends and tables.
//
// \code
//   std::vector<EvalReport> models = read_eval_reports({"a/eval.json", "b/eval.json"});
//   models[0].name;  // "a" (the run directory), unique within the list
// \endcode
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "metrics/calibration.h"

namespace dign::report {

struct EvalReport {
  std::string path;  ///< where it was read (or will be written, for `dign eval --html`)
  std::string name;  ///< legend label: the run directory's or model file's name
  nlohmann::json json;
};

/// Checks that `json` has the layout the report reads: schema_version 1; a clean record with
/// images, accuracy and bins; gaussian_noise records with a sigma; a corrupted section's
/// per_corruption names and severities. dign::Error "<source>: not a dign eval report
/// (expected ...)" naming what is missing.
void check_eval_report(const nlohmann::json& json, const std::string& source);

/// Reads and checks one file (dign::Error naming it when it is not valid JSON or not a report).
EvalReport read_eval_report(const std::string& path);

/// Reads every file, then names each model (see unique_names).
std::vector<EvalReport> read_eval_reports(const std::vector<std::string>& paths);

/// Gives each report its name: the last component of model.run_dir or model.file (else of the
/// report's own directory); names that repeat get " (2)", " (3)", ... in order.
void assign_names(std::vector<EvalReport>& reports);

/// "resnet18 (width 16), dign (lambda 0.2, samples 3, sigma_max 0.2)" or "torchscript file"
/// from the model record: what the model is, in one line of plain text.
std::string model_description(const nlohmann::json& report);

/// A condition record (clean, gaussian_noise[k], corrupted.noise, ...) as the calibration
/// result the reliability diagrams draw; count 0 and `bins` empty bins for a missing record.
metrics::CalibrationResult calibration_of(const nlohmann::json& record, int64_t bins);

/// The report's gaussian_noise records (an empty array when it has none).
const nlohmann::json& gaussian_noise_records(const nlohmann::json& report);

/// The number of reliability bins of a report (binning.bins, else the clean record's).
int64_t bins_of(const nlohmann::json& report);

}  // namespace dign::report
