#pragma once
// Reliability diagrams (DeGroot & Fienberg 1983; Guo et al. 2017) of one or more
// CalibrationResults, e.g. a model on clean and on corrupted test images, the picture
// behind the paper's RMSE/ECE columns. Drawn with cairo, LibTorch-free.
//
// Intended usage:
// \code
//   std::vector<dign::metrics::ReliabilitySeries> series = {
//       {"clean", clean_meter.value()}, {"corrupted", corrupted_meter.value()}};
//   dign::metrics::write_reliability_diagram("reliability.svg", series);  // or .png
// \endcode
//
// Top panel: per bin, one bar per series at the bin's accuracy, a black tick at its mean
// confidence, the dashed diagonal of perfect calibration, and a legend with each series'
// ECE and RMSE (x 100, as the paper's tables). Bottom panel: the share of predictions in
// each bin, so near-empty bins (whose accuracy is noise) are visible as such. Empty bins
// draw nothing; a series with no predictions is drawn as a legend entry saying so.
#include <cstdint>
#include <string>
#include <vector>

#include "metrics/calibration.h"
#include "metrics/figure_format.h"

namespace dign::metrics {

struct ReliabilitySeries {
  std::string name;  ///< legend label, e.g. "clean"
  CalibrationResult result;
};

struct ReliabilityDiagramOptions {
  /// Image size in pixels (PNG) or points (SVG). Default: 640 x 640; each at least 240.
  int width = 640;
  int height = 640;
  /// Default: "Reliability diagram".
  std::string title = "Reliability diagram";
};

/// Where the panels lie, in output pixels, for tests and for anyone annotating a figure.
struct ReliabilityLayout {
  double plot_left = 0, plot_top = 0, plot_width = 0, plot_height = 0;  ///< top panel
  double hist_top = 0, hist_height = 0;  ///< bottom panel (same left and width)
  /// Pixel x of confidence c in [0, 1]; pixel y of accuracy a in [0, 1] in the top panel.
  double x_of(double c) const { return plot_left + c * plot_width; }
  double y_of(double a) const { return plot_top + (1.0 - a) * plot_height; }
  /// Horizontal extent [left, right) of series s's bar (of num_series) in bin k (of num_bins).
  void bar_span(int64_t k, int64_t num_bins, size_t s, size_t num_series, double* left,
                double* right) const;
};

ReliabilityLayout reliability_layout(const ReliabilityDiagramOptions& options);

/// The diagram as PNG or SVG bytes. Throws dign::Error when `series` is empty, when the
/// series have different bin counts (bars are grouped by bin), a result has no bins or a
/// bin value outside [0, 1], or the size is below 240 or above 8192.
std::string render_reliability_diagram(const std::vector<ReliabilitySeries>& series,
                                       FigureFormat format,
                                       const ReliabilityDiagramOptions& options = {});

/// Renders in the format of `path`'s extension and writes it atomically (write_file_atomic).
void write_reliability_diagram(const std::string& path,
                               const std::vector<ReliabilitySeries>& series,
                               const ReliabilityDiagramOptions& options = {});

}  // namespace dign::metrics
