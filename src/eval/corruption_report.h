#pragma once
// The corrupted part of the evaluation report in the forms people read: CSV rows
// per corruption and severity, Markdown tables laid out like the paper's Table 1
// (clean accuracy, mCA, mCA-N, the noise corruptions) and Table 2 (RMSE, ECE, OE,
// SH on clean, all-corrupted and noise data), and corruption errors relative to a
// baseline model's report.
#include <nlohmann/json.hpp>

#include <string>

namespace dign::eval {

/// CSV rows (no header) "<corruption>,,<severity>,images,accuracy,accuracy_se,ece,rmse,oe,sh"
/// of report["corrupted"], with report.h's csv_extra_cells after them.
std::string corrupted_csv_rows(const nlohmann::json& report);

/// Markdown: the Table 1 and Table 2 layouts, then accuracy per corruption and severity.
std::string corrupted_markdown(const nlohmann::json& report);

/// Adds to report["corrupted"] the corruption errors against `baseline` (another report
/// on the same corruptions and severities), as fractions:
///   ce[m]          = sum_j E(m,j) / sum_j Eb(m,j)                    (E = 1 - accuracy)
///   relative_ce[m] = sum_j (E(m,j) - E_clean) / sum_j (Eb(m,j) - Eb_clean)
///   mce, relative_mce = their means over the corruptions counted in mCA.
/// dign::Error naming `baseline_source` when the corruptions or severities differ.
void add_baseline_errors(nlohmann::json& report, const nlohmann::json& baseline,
                         const std::string& baseline_source);

}  // namespace dign::eval
