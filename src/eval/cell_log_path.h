#pragma once
// Where a report's cell log lives (cell_log.h), for readers without LibTorch too (`dign
// experiment status` counts the cells an interrupted evaluation kept).
#include <filesystem>
#include <string>

namespace dign::eval {

/// The log directory of a report: FILE.json -> FILE.partial; its state is DIR/state.json.
inline std::string cell_log_dir(const std::string& report_path) {
  return std::filesystem::path(report_path).replace_extension(".partial").string();
}

}  // namespace dign::eval
