#pragma once
// The file formats of dign's figures, chosen by the file name.
#include <string>

namespace dign::metrics {

enum class FigureFormat { kPng, kSvg };

/// The format for a file name: ".png" or ".svg" (any case). Anything else throws
/// dign::Error naming the path and the extension found.
FigureFormat figure_format_for_path(const std::string& path);

}  // namespace dign::metrics
