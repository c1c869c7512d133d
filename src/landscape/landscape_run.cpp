#include "landscape/landscape_run.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>

#include "core/error.h"
#include "core/machine.h"
#include "core/memory.h"
#include "data/sampler.h"
#include "distributed/sharded_eval.h"
#include "landscape/landscape.h"
#include "landscape/landscape_report.h"
#include "models/catalog.h"
#include "models/memory_format.h"
#include "run/load_run.h"

namespace dign::landscape {
namespace fs = std::filesystem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The legend label: the run directory's name ("runs/c10-dign-s0/" -> "c10-dign-s0"), made
// unique with " (2)", " (3)" when two runs share a name.
std::vector<std::string> model_names(const std::vector<std::string>& dirs) {
  std::vector<std::string> names;
  for (const auto& dir : dirs) {
    fs::path p = fs::path(dir).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    std::string name = p.filename().string();
    if (name.empty() || name == ".") name = "model";
    const std::string base = name;
    for (int k = 2; std::find(names.begin(), names.end(), name) != names.end(); ++k) {
      name = fmt::format("{} ({})", base, k);
    }
    names.push_back(name);
  }
  return names;
}

nlohmann::json model_json(const run::LoadedRun& run, const std::string& dir) {
  nlohmann::json j = {{"run_dir", dir},
                      {"checkpoint", run.checkpoint},
                      {"checkpoint_epoch", run.checkpoint_epoch},
                      {"method", run.config.contains("options") ? run.config["options"]["method"]
                                                                : nlohmann::json(nullptr)}};
  j.update(models::to_json(run.record.arch));  // "arch" and its options ("width")
  return j;
}

void validate(const LandscapeRunOptions& o) {
  DIGN_CHECK_OPTION(!o.model_dirs.empty(), "model", "expected at least one run directory");
  DIGN_CHECK_OPTION(o.limit >= 0, "limit", "expected a count of test images >= 0 (0 = all), got ",
                    o.limit);
  DIGN_CHECK_OPTION(!o.out.empty(), "out", "expected an output directory");
  DIGN_CHECK_OPTION(!fs::exists(o.out) || fs::is_directory(o.out), "out", "'", o.out,
                    "' exists and is not a directory");
  o.landscape.validate();
  o.machine.validate();
}

}  // namespace

nlohmann::json run_landscape(const LandscapeRunOptions& o, Progress& progress) {
  validate(o);
  const auto start = std::chrono::steady_clock::now();
  std::vector<run::LoadedRun> runs;
  for (const auto& dir : o.model_dirs) runs.push_back(run::load_run(dir, o.checkpoint));
  const auto names = model_names(o.model_dirs);

  // fp32 whatever the CPU offers: finite differences need it (estimators.h).
  MachineOptions mo = o.machine;
  mo.precision = "fp32";
  mo.memory_format = "contiguous";
  const Machine machine = resolve_machine(mo);

  data::DataOptions d = o.data;
  d.threads = machine.threads;
  if (d.image_size == 0) d.image_size = runs.front().image_size;
  for (size_t i = 0; i < runs.size(); ++i) {
    DIGN_CHECK_OPTION(runs[i].image_size == runs.front().image_size || o.data.image_size > 0,
                      "model", o.model_dirs[i], " trained at image size ", runs[i].image_size,
                      " but ", o.model_dirs.front(), " at ", runs.front().image_size,
                      "; pass --image-size to compare them on one size");
  }
  const data::Dataset dataset = data::load_dataset(d);
  const auto positions = data::evenly_spaced(dataset.test.size(), o.limit);
  const data::ImageSet test = data::subset(dataset.test, positions);
  for (size_t i = 0; i < runs.size(); ++i) {
    DIGN_CHECK_OPTION(runs[i].record.data.num_classes() == test.num_classes(), "data", o.data.path,
                      ": has ", test.num_classes(), " classes but ", o.model_dirs[i],
                      " was trained on ", runs[i].record.data.num_classes());
  }

  nlohmann::json report;
  report["schema_version"] = kLandscapeSchemaVersion;
  report["settings"] = settings_json(o.landscape);
  report["settings"]["limit"] = o.limit;
  report["estimators"] = estimators_json(o.landscape);
  report["models"] = nlohmann::json::array();
  nlohmann::json model_seconds = nlohmann::json::array();
  for (size_t i = 0; i < runs.size(); ++i) {
    const auto model_start = std::chrono::steady_clock::now();
    auto& model = *runs[i].model;
    model.to(machine.device, torch::kFloat);
    models::apply_memory_format(model, machine.memory_format);
    const ModelLandscape m = measure_landscape(model, test, positions, o.landscape, machine.device,
                                               progress, names[i], o.shards.get());
    nlohmann::json entry = {{"name", names[i]}, {"model", model_json(runs[i], o.model_dirs[i])}};
    entry.update(landscape_json(m, o.landscape));
    report["models"].push_back(entry);
    model.to(torch::kCPU);
    const double s = seconds_since(model_start);
    model_seconds.push_back({{"name", names[i]}, {"seconds", s}});
    const auto& radii = entry["radii"];
    const auto& p1 = entry["proposition1"];
    progress.message(fmt::format(
        "{}: {} images, clean accuracy {:.4f}, at eps {} accuracy {:.4f} and loss difference "
        "{:.4f}; ||grad L|| {:.4g}, Tr(H^T H) {:.4g}; Tr G {:.4g}, Tr H {:.4g} (eval mode), "
        "paired |H - G| {} (eval), {} (train) [{:.0f} s]",
        names[i], m.images, m.accuracy.value(), radii.back()["epsilon"].get<double>(),
        radii.back()["accuracy"].get<double>(), radii.back()["loss_difference"].get<double>(),
        m.gradient_norm.value(), m.curvature.value(), m.eval_mode.fisher_trace.value(),
        m.eval_mode.hessian_trace.value(), p1["eval"]["paired_relative_difference"].dump(),
        p1["train"]["paired_relative_difference"].dump(), s));
  }
  report["provenance"] = provenance_json(machine, o.data.path, dataset.format);
  report["provenance"].update(
      {{"test_images", test.size()},
       {"test_selection", "evenly spaced over the test split: k * size / limit"},
       {"test_hash", data::content_hash(test)}});
  report["timing"] = {{"seconds", seconds_since(start)},
                      {"models", model_seconds},
                      {"peak_resident_mib", peak_resident_mib()}};
  if (o.shards) report["timing"]["ranks"] = o.shards->size;
  if (!distributed::writes_outputs(o.shards.get())) return report;
  write_landscape_report(o.out, report);
  progress.message("wrote " + (fs::path(o.out) / "landscape.json").string() +
                   " (and .csv, .png, .svg)");
  return report;
}

}  // namespace dign::landscape
