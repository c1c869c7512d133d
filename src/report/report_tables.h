#pragma once
// The tables of the HTML report, as HTML fragments (<table> elements), every text from the
// reports escaped. A model's row starts with its colour swatch, the key to every figure.
#include <string>
#include <vector>

#include "report/eval_reports.h"

namespace dign::report {

/// One row per model: clean accuracy, mCA, mCA-N, RMSE (clean), RMSE-N in percent with their
/// 95% intervals when present. Each figure's cell carries data-key (its JSON path) and
/// data-value (the JSON number), so a reader can check the page against the files.
std::string headline_table(const std::vector<EvalReport>& reports);

/// Calibration, the paper's Table 2 layout: RMSE, ECE, OE and SH on clean data, all
/// corruptions pooled and the noise corruptions pooled, one row per model and data.
std::string calibration_table(const std::vector<EvalReport>& reports);

/// Robust accuracy under each attack of each report; empty when no report has one.
std::string adversarial_table(const std::vector<EvalReport>& reports);

/// Calibration with and without the fitted temperature (`calibration_temperature` and the
/// `temperature_scaled` blocks beside each condition's metrics); empty when no report has one.
std::string temperature_table(const std::vector<EvalReport>& reports);

/// Where each figure comes from: the report file, the model record and the provenance, one
/// column per model.
std::string provenance_table(const std::vector<EvalReport>& reports);

}  // namespace dign::report
