#pragma once
// `dign report`: one self-contained HTML page that puts several evaluated models side by side
// (the headline table, accuracy against severity per corruption, per-corruption bars,
// accuracy and calibration under Gaussian noise, reliability diagrams, attacks, temperature
// scaling, the landscape figure, provenance). Figures are inline SVG drawn with cairo, the
// style sheet is inline, and nothing is loaded from anywhere: the file opens offline, and
// can be mailed or attached as it is.
//
// \code
//   dign::report::HtmlReportOptions options;
//   options.title = "CIFAR-10: standard vs DiGN";
//   dign::report::write_html_report({"runs/std/eval.json", "runs/dign/eval.json"},
//                                   "report.html", options);
// \endcode
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "report/eval_reports.h"

namespace dign::report {

struct HtmlReportOptions {
  /// The page's title and heading. Default: "dign evaluation report".
  std::string title = "dign evaluation report";
  /// `dign landscape`'s output: its --out DIR, or the landscape.json in it; empty = no
  /// landscape figure. Default: empty.
  std::string landscape;
};

/// The page for `reports` (at least one). dign::Error naming the landscape file when it is not
/// `dign landscape`'s report.
std::string render_html_report(const std::vector<EvalReport>& reports,
                               const HtmlReportOptions& options = {});

/// Reads and checks every eval.json, then writes the page to `out` atomically. Nothing is
/// written when a file is not an evaluation report (dign::Error naming it) or `out` does not
/// end in .html or .htm.
void write_html_report(const std::vector<std::string>& eval_paths, const std::string& out,
                       const HtmlReportOptions& options = {});

/// `dign eval --html`: the page of the one report just written to `eval_json`, written to
/// html_path_beside(eval_json); returns that path.
std::string write_html_beside(const std::string& eval_json, const nlohmann::json& report);

/// Where `dign eval --html` puts the page of the report written to `eval_json`: report.html
/// beside an eval.json, else <stem>.html beside it (m.eval.json -> m.eval.html).
std::string html_path_beside(const std::string& eval_json);

}  // namespace dign::report
