#pragma once
// `dign landscape`: load trained runs (run/load_run.h, as `dign eval` does), measure each one's
// random-perturbation landscape and section 3.1 checks on the same test images with the same
// draws (landscape.h), and write the report, CSV and Figure 2 (landscape_report.h).
//
//   LandscapeRunOptions o;
//   o.model_dirs = {"runs/standard", "runs/dign"};
//   o.data.path = "data/cifar10";
//   o.out = "landscape";
//   run_landscape(o, progress);  // landscape/landscape.{json,csv,png,svg}
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/machine_options.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "landscape/landscape_options.h"

namespace dign::distributed {
struct EvalShards;
}

namespace dign::landscape {

struct LandscapeRunOptions {
  /// Run directories written by `dign train` (one curve each), at least one.
  std::vector<std::string> model_dirs;
  /// best | last | a checkpoint path, for every model. Default: best.
  std::string checkpoint = "best";
  data::DataOptions data;
  /// Test images, evenly spaced over the split (data::evenly_spaced; 0 = all). Default: 1000.
  int64_t limit = 1000;
  /// Output directory (created): landscape.json, .csv, .png, .svg.
  std::string out;
  LandscapeOptions landscape;
  /// Threads and device; precision and memory format are fp32 and contiguous, always.
  MachineOptions machine;
  /// Under torchrun or dign launch: the ranks split the batches (measure_landscape); rank 0
  /// alone writes. Null: one process.
  std::shared_ptr<const distributed::EvalShards> shards;
};

/// Runs the measurement and writes the report (rank 0 under sharding); returns it on every
/// rank. Every option is checked, and every model and the data loaded, before anything is
/// computed or written.
nlohmann::json run_landscape(const LandscapeRunOptions& options, Progress& progress);

}  // namespace dign::landscape
