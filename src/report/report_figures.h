#pragma once
// The figures of the HTML report, one model per colour (the i-th report's colour is
// metrics::palette_color(i) in every figure), each as SVG text. A figure no report has data
// for comes back empty (svg == ""), and the page leaves it out.
#include <string>
#include <vector>

#include "report/eval_reports.h"

namespace dign::report {

struct Figure {
  std::string svg;      ///< an SVG document (cairo's), or empty: nothing to draw
  std::string caption;  ///< plain text
};

/// Accuracy against severity, one small multiple per corruption (severity 0 = clean), the
/// models overlaid with their 95% intervals when the reports have them.
Figure severity_figure(const std::vector<EvalReport>& reports);

/// Mean accuracy over severities per corruption, the models' bars side by side.
Figure corruption_bars_figure(const std::vector<EvalReport>& reports);

/// Accuracy and RMSE against the Gaussian noise sigma (sigma 0 = clean).
Figure noise_figure(const std::vector<EvalReport>& reports);

/// Reliability diagrams (metrics/reliability_diagram.h): clean, the noise corruptions pooled
/// (the -N figures), and one per Gaussian sigma; the models overlaid when they share the bins.
std::vector<Figure> reliability_figures(const std::vector<EvalReport>& reports);

/// Reliability diagrams with the fitted temperature (the `temperature_scaled` blocks of
/// `dign calibrate`'s runs): clean and the noise corruptions pooled; none when no report has one.
std::vector<Figure> temperature_figures(const std::vector<EvalReport>& reports);

}  // namespace dign::report
