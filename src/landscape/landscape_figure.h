#pragma once
// The paper's Figure 2 for any number of models: four panels against the l2 radius eps of the
// random perturbation (loss difference, accuracy, first-order term, second-order term), one
// curve per model, with axes, units and a legend. Drawn with cairo as the reliability diagrams
// (metrics/reliability_diagram.h), PNG or SVG. LibTorch-free.
//
// Intended usage:
// \code
//   std::vector<dign::landscape::LandscapeCurve> curves = figure_curves(report);
//   dign::landscape::write_landscape_figure("landscape.svg", curves);  // or .png
// \endcode
#include <string>
#include <vector>

#include "metrics/figure_format.h"

namespace dign::landscape {

/// One model's curves; every vector has one value per radius (a non-finite value is a gap).
struct LandscapeCurve {
  std::string name;  ///< legend label
  std::vector<double> radii;
  std::vector<double> loss_difference;  ///< nats
  std::vector<double> accuracy;         ///< fraction in [0, 1]
  std::vector<double> first_order;      ///< nats
  std::vector<double> second_order;     ///< nats
};

struct LandscapeFigureOptions {
  /// Image size in pixels (PNG) or points (SVG). Default: 1000 x 820; each 400 to 8192.
  int width = 1000;
  int height = 820;
  /// Default: "Random perturbations of l2 radius ε (Figure 2)".
  std::string title = "Random perturbations of l2 radius \u03b5 (Figure 2)";
  /// A line under the title (images, estimators); none when empty. Default: empty.
  std::string subtitle;
};

/// The figure as PNG or SVG bytes. dign::Error for no curves, curves whose vectors differ in
/// length from their radii, decreasing radii, or a size outside 400 to 8192.
std::string render_landscape_figure(const std::vector<LandscapeCurve>& curves,
                                    metrics::FigureFormat format,
                                    const LandscapeFigureOptions& options = {});

/// Renders in the format of `path`'s extension (.png or .svg) and writes it atomically.
void write_landscape_figure(const std::string& path, const std::vector<LandscapeCurve>& curves,
                            const LandscapeFigureOptions& options = {});

}  // namespace dign::landscape
