#include "eval/evaluate_run.h"

#include <fmt/format.h>
#include <torch/version.h>

#include <chrono>
#include <filesystem>

#include "core/error.h"
#include "core/file_io.h"
#include "core/machine.h"
#include "core/memory.h"
#include "core/version.h"
#include "data/corrupted_set.h"
#include "eval/conditions.h"
#include "eval/report.h"
#include "metrics/reliability_diagram.h"
#include "models/memory_format.h"
#include "run/load_run.h"

namespace dign::eval {
namespace fs = std::filesystem;

namespace {

nlohmann::json read_baseline(const std::string& path) {
  if (path.empty()) return nullptr;
  try {
    return nlohmann::json::parse(read_text_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw OptionError("baseline", detail::concat(path, ": not valid JSON (", e.what(), ")"));
  }
}

}  // namespace

nlohmann::json run_evaluation(const EvalRunOptions& o, Progress& progress) {
  DIGN_CHECK_OPTION(o.test_limit >= 0, "test_limit", "expected a count >= 0, got ", o.test_limit);
  DIGN_CHECK_OPTION(o.ensemble >= 0, "ensemble", "expected a count >= 0, got ", o.ensemble);
  o.eval.validate();
  o.machine.validate();
  // Every option that can be wrong is checked before the model or the data are loaded.
  std::unique_ptr<data::CorruptedSet> set;
  if (!o.corrupted.empty() && o.corrupted != "generate") {
    set = data::open_corrupted_set(o.corrupted);
  }
  if (o.corrupted == "generate") corrupt::resolved(o.generate, corrupt::Table::kCifar);
  if (!o.reliability_diagram.empty()) metrics::figure_format_for_path(o.reliability_diagram);
  for (const auto& attack : o.attacks) attack.validate();
  DIGN_CHECK_OPTION(o.baseline.empty() || !o.corrupted.empty(), "baseline",
                    "needs --corrupted (the baseline's errors are per corruption)");
  const nlohmann::json baseline = read_baseline(o.baseline);
  run::LoadedRun run = run::load_run(o.model_dir, o.checkpoint);
  const std::string report_path =
      !o.report.empty()
          ? o.report
          : (fs::path(o.model_dir.empty() ? "." : o.model_dir) / "eval.json").string();

  const Machine machine = resolve_machine(o.machine);
  run.model->to(machine.device);
  models::apply_memory_format(*run.model, machine.memory_format);

  data::DataOptions d = o.data;
  d.threads = machine.threads;
  if (d.image_size == 0) d.image_size = run.image_size;
  const auto start = std::chrono::steady_clock::now();
  data::Dataset dataset = data::load_dataset(d);
  std::vector<int64_t> per_class;
  const data::ImageSet test =
      o.test_limit > 0 ? data::subset(dataset.test,
                                      data::limit_per_class(dataset.test, o.test_limit, &per_class))
                       : std::move(dataset.test);
  DIGN_CHECK_OPTION(run.record.data.num_classes() == test.num_classes(), "data", o.data.path,
                    ": has ", test.num_classes(), " classes but the model was trained on ",
                    run.record.data.num_classes());

  EvalOptions eval = o.eval;
  eval.precision = machine.precision;
  eval.ensemble = o.ensemble > 0 ? o.ensemble : run.ensemble.copies;
  eval.ensemble_sigma = run.ensemble.sigma;
  DIGN_CHECK_OPTION(eval.ensemble == 1 || eval.ensemble_sigma > 0, "ensemble", eval.ensemble,
                    ": the model records no ensemble noise level (only RSE runs have one)");

  std::vector<std::unique_ptr<Condition>> conditions;
  conditions.push_back(std::make_unique<CleanCondition>(test));
  conditions.push_back(std::make_unique<GaussianNoiseCondition>(test, eval.noise_sigmas));
  if (!o.corrupted.empty()) {
    if (o.corrupted == "generate") {
      corrupt::GenerateOptions g = o.generate;
      g.threads = machine.threads;
      set = corrupt::generate_corrupted(test, g);
    }
    // Tiny-ImageNet-C numbers its sorted wnid folders; the model, wnids.txt's order.
    set->relabel_by_name(test.class_names);
    for (int64_t label : set->labels()) {
      DIGN_CHECK_OPTION(label < test.num_classes(), "corrupted", o.corrupted, ": label ", label,
                        " is outside the model's ", test.num_classes(), " classes");
    }
    conditions.push_back(
        std::make_unique<CorruptedCondition>(std::move(set), o.corruption, baseline, o.baseline));
  }

  if (!o.attacks.empty()) conditions.push_back(std::make_unique<AttackCondition>(test, o.attacks));

  nlohmann::json report;
  report["schema_version"] = kReportSchemaVersion;
  report["model"] = {{"run_dir", o.model_dir},
                     {"checkpoint", run.checkpoint},
                     {"checkpoint_epoch", run.checkpoint_epoch},
                     {"method", run.config.contains("options") ? run.config["options"]["method"]
                                                               : nlohmann::json(nullptr)}};
  report["model"].update(models::to_json(run.record.arch));  // "arch" and its options ("width")
  report["binning"] = {{"bins", eval.bins},
                       {"rule", metrics::CalibrationMeter::binning_description(eval.bins)},
                       {"confidence", "max softmax probability, computed in fp32"}};
  report["ensemble"] = {{"copies", eval.ensemble}, {"sigma", eval.ensemble_sigma}};
  EvalContext context{*run.model, machine.device, eval, progress};
  double images = 0;
  for (auto& condition : conditions) {
    condition->evaluate(context, report);
    images += static_cast<double>(condition->images());
  }
  if (!o.reliability_diagram.empty()) {
    metrics::write_reliability_diagram(o.reliability_diagram, context.diagram);
    progress.message("wrote " + o.reliability_diagram);
  }
  report["provenance"] = {{"checkpoint", run.checkpoint},
                          {"checkpoint_epoch", run.checkpoint_epoch},
                          {"data_path", o.data.path},
                          {"data_format", dataset.format},
                          {"test_images", test.size()},
                          {"test_per_class", data::per_class_json(test, per_class)},
                          {"test_hash", data::content_hash(test)},
                          {"precision", precision_name(machine.precision)},
                          {"memory_format", machine.memory_format},
                          {"device", machine.device_name()},
                          {"seed", eval.seed},
                          {"threads", machine.threads},
                          {"dign_version", version()},
                          {"git_commit", git_commit()},
                          {"libtorch_version", TORCH_VERSION}};
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  images *= static_cast<double>(eval.ensemble);
  report["timing"] = {{"seconds", seconds},
                      {"images_per_second", images / seconds},
                      {"peak_resident_mib", peak_resident_mib()}};
  write_report(report_path, report);
  progress.message("wrote " + report_path);
  return report;
}

}  // namespace dign::eval
