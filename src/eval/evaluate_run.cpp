#include "eval/evaluate_run.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <chrono>
#include <filesystem>
#include <optional>

#include "core/error.h"
#include "core/file_io.h"
#include "core/machine.h"
#include "core/memory.h"
#include "core/version.h"
#include "data/corrupted_set.h"
#include "data/loader.h"
#include "data/npy.h"
#include "distributed/sharded_eval.h"
#include "eval/bootstrap_eval.h"
#include "eval/cell_log.h"
#include "eval/conditions.h"
#include "eval/report.h"
#include "eval/temperature_calibration.h"
#include "metrics/reliability_diagram.h"
#include "models/inference.h"
#include "models/memory_format.h"
#include "models/scripted_classifier.h"
#include "models/weights_hash.h"
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

/// The model: a run's checkpoint, or a TorchScript file with the normalization put before it.
run::LoadedRun load_model(const EvalRunOptions& o) {
  if (!run::is_model_file(o.model_dir)) {
    DIGN_CHECK_OPTION(
        o.input_mean.empty() && o.input_std.empty(),
        o.input_mean.empty() ? "input_std" : "input_mean",
        "only for a TorchScript --model file (a dign run normalizes inside the model)");
    return run::load_run(o.model_dir, o.checkpoint);
  }
  DIGN_CHECK_OPTION(o.checkpoint == "best", "checkpoint",
                    "only for a run directory (--model is a TorchScript file)");
  return run::load_scripted_model(o.model_dir,
                                  models::parse_input_normalization(o.input_mean, o.input_std));
}

/// A TorchScript model's classes, from its output on the first (up to) two test images; they
/// must be the data's.
void probe_classes(run::LoadedRun& run, const data::ImageSet& test, const torch::Device& device,
                   const std::string& data_path) {
  const int64_t n = std::min<int64_t>(2, test.size());
  DIGN_CHECK(n > 0, data_path, ": the test split has no images");
  const torch::Tensor probe = data::to_float_batch(test.image(0), n, test.height, test.width);
  const int64_t classes =
      models::scripted_output_classes(*run.model, probe.to(device), run.checkpoint);
  DIGN_CHECK(classes == test.num_classes(), run.checkpoint, ": the model scores ", classes,
             " classes but ", data_path, " has ", test.num_classes());
  run.record.data.num_classes(classes);
}

/// --dump-probabilities: softmax probabilities of the clean test images, as the clean condition
/// computes them (models::predict_probabilities, the same batches and precision).
void dump_probabilities(const std::string& path, models::ClassifierImpl& model,
                        const data::ImageSet& test, const torch::Device& device,
                        const EvalOptions& eval) {
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < test.size(); start += eval.batch_size) {
    const int64_t n = std::min(eval.batch_size, test.size() - start);
    const torch::Tensor x = data::to_float_batch(test.image(start), n, test.height, test.width);
    parts.push_back(models::predict_probabilities(model, x.to(device), eval.precision).cpu());
  }
  const torch::Tensor p = torch::cat(parts).contiguous();
  data::NpyArray array;
  array.dtype = "f4";
  array.shape = {p.size(0), p.size(1)};
  const auto* bytes = static_cast<const uint8_t*>(p.data_ptr());
  array.data.assign(bytes, bytes + p.numel() * static_cast<int64_t>(sizeof(float)));
  data::write_npy(path, array);
}

/// What a corrupted evaluation's figures depend on: a cell log recorded under another key is
/// not resumed (cell_log.h). The threads are in it: oneDNN splits its sums by thread count.
/// A set read from disk is known by its path, layout and labels, not by its pixels (hashing
/// them would read the whole set once more).
nlohmann::json cell_log_key(run::LoadedRun& run, const EvalOptions& eval, const Machine& machine,
                            const std::string& test_hash, const data::CorruptedSet& set,
                            const CorruptionEvalOptions& corruption) {
  nlohmann::json model = {
      {"weights", run.scripted ? run.content_hash : models::weights_hash(*run.model)}};
  if (run.scripted) model["input"] = models::to_json(run.input);  // applied outside the file
  const std::vector<int64_t>& labels = set.labels();
  return {{"model", std::move(model)},
          {"data",
           {{"test_hash", test_hash},
            {"set", set.describe()},
            {"corruptions", set.corruptions()},
            {"severities", set.severities()},
            {"images", set.size()},
            {"labels_xxh3", XXH3_64bits(labels.data(), labels.size() * sizeof(int64_t))},
            {"noise_set", corruption.noise_set},
            {"excluded", corruption.excluded}}},
          {"evaluation",
           {{"seed", eval.seed},
            {"batch_size", eval.batch_size},
            {"bins", eval.bins},
            {"ensemble", eval.ensemble},
            {"ensemble_sigma", eval.ensemble_sigma},
            {"temperature", eval.temperature},
            {"records", eval.keep_predictions()},
            {"machine", machine.to_json()},
            {"dign", version()},
            {"libtorch", TORCH_VERSION}}}};
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
  DIGN_CHECK_OPTION(
      o.dump_probabilities.empty() || fs::path(o.dump_probabilities).extension() == ".npy",
      "dump_probabilities", "expected a FILE.npy, got '", o.dump_probabilities, "'");
  DIGN_CHECK_OPTION(o.eval.predictions_dir.empty() || !fs::exists(o.eval.predictions_dir) ||
                        fs::is_directory(o.eval.predictions_dir),
                    "save_predictions", o.eval.predictions_dir, ": exists and is not a directory");
  const nlohmann::json baseline = read_baseline(o.baseline);
  run::LoadedRun run = load_model(o);
  // Beside a TorchScript file (m.pt -> m.eval.json), inside a run directory.
  const std::string report_path =
      !o.report.empty() ? o.report
      : run.scripted    ? fs::path(o.model_dir).replace_extension(".eval.json").string()
                     : (fs::path(o.model_dir.empty() ? "." : o.model_dir) / "eval.json").string();

  const Machine machine = resolve_machine(o.machine);
  run.model->to(machine.device);
  // A TorchScript model keeps the memory format it was saved with: its own code may view() its
  // activations, which channels-last weights would make non-contiguous.
  if (!run.scripted) models::apply_memory_format(*run.model, machine.memory_format);

  data::DataOptions d = o.data;
  d.threads = machine.threads;
  if (d.image_size == 0) d.image_size = run.image_size;
  const auto start = std::chrono::steady_clock::now();
  data::Dataset dataset = data::load_dataset(d);
  std::vector<int64_t> per_class;
  const data::ImageSet test = data::limit_images(std::move(dataset.test), o.test_limit, &per_class);
  if (run.scripted) probe_classes(run, test, machine.device, o.data.path);
  DIGN_CHECK_OPTION(run.record.data.num_classes() == test.num_classes(), "data", o.data.path,
                    ": has ", test.num_classes(), " classes but the model was trained on ",
                    run.record.data.num_classes());

  EvalOptions eval = o.eval;
  eval.precision = machine.precision;
  eval.threads = machine.threads;
  if (!eval.predictions_dir.empty()) {
    eval.predictions_dir = fs::absolute(eval.predictions_dir).lexically_normal().string();
  }
  eval.ensemble = o.ensemble > 0 ? o.ensemble : run.ensemble.copies;
  eval.ensemble_sigma = run.ensemble.sigma;
  DIGN_CHECK_OPTION(eval.ensemble == 1 || eval.ensemble_sigma > 0, "ensemble", eval.ensemble,
                    ": the model records no ensemble noise level (only RSE runs have one)");
  DIGN_CHECK_OPTION(o.dump_probabilities.empty() || eval.ensemble == 1, "dump_probabilities",
                    "not with a test-time ensemble (its probabilities average noisy copies)");
  // dign calibrate's temperature, for the checkpoint evaluated here only (fitted on one pass).
  const nlohmann::json temperature = o.temperature && !run.scripted
                                         ? find_calibration(o.model_dir, run.checkpoint, progress)
                                         : nlohmann::json(nullptr);
  if (!temperature.is_null() && eval.ensemble > 1) {
    progress.warning(temperature["source"].get<std::string>() +
                     ": not applied under a test-time ensemble (fitted on single predictions)");
  } else if (!temperature.is_null()) {
    eval.temperature = temperature["value"].get<double>();
  }

  const std::string test_hash = data::content_hash(test);
  std::optional<CellLog> cell_log;
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
    // Finished cells are kept beside the report, so that an interrupted evaluation resumes at
    // its first unfinished cell; not under sharded evaluation (ranks may not share a disk).
    if (!eval.shards) {
      cell_log.emplace(cell_log_dir(report_path),
                       cell_log_key(run, eval, machine, test_hash, *set, o.corruption));
    }
    auto corrupted =
        std::make_unique<CorruptedCondition>(std::move(set), o.corruption, baseline, o.baseline);
    if (cell_log) corrupted->keep_cells(&*cell_log);
    conditions.push_back(std::move(corrupted));
  }

  if (!o.attacks.empty()) conditions.push_back(std::make_unique<AttackCondition>(test, o.attacks));

  nlohmann::json report;
  report["schema_version"] = kReportSchemaVersion;
  if (run.scripted) {
    report["model"] = {{"file", o.model_dir},
                       {"format", "torchscript"},
                       {"content_hash", run.content_hash},
                       {"num_classes", run.record.data.num_classes()},
                       {"input_normalization", models::to_json(run.input)},
                       {"method", nullptr}};
    if (!run.export_record.is_null()) report["model"]["dign_export"] = run.export_record;
  } else {
    report["model"] = {{"run_dir", o.model_dir},
                       {"checkpoint", run.checkpoint},
                       {"checkpoint_epoch", run.checkpoint_epoch},
                       {"method", run.config.contains("options") ? run.config["options"]["method"]
                                                                 : nlohmann::json(nullptr)}};
    report["model"].update(models::to_json(run.record.arch));  // "arch" and its options ("width")
  }
  report["binning"] = {{"bins", eval.bins},
                       {"rule", metrics::CalibrationMeter::binning_description(eval.bins)},
                       {"confidence", "max softmax probability, computed in fp32"}};
  report["ensemble"] = {{"copies", eval.ensemble}, {"sigma", eval.ensemble_sigma}};
  if (eval.bootstrap > 0) report["bootstrap"] = bootstrap_record(eval.bootstrap, eval.seed);
  if (eval.temperature > 0) report["calibration_temperature"] = temperature;
  if (!eval.predictions_dir.empty()) {
    report["predictions"] = {{"dir", eval.predictions_dir},
                             {"layout",
                              "<section>.{confidence,predicted,label}.npy per section "
                              "(clean [N], gaussian_noise [levels, N], corrupted "
                              "[corruptions, severities, N]), reader order"}};
  }
  EvalContext context{*run.model, machine.device, eval, progress};
  double images = 0;
  for (auto& condition : conditions) {
    condition->evaluate(context, report);
    images += static_cast<double>(condition->images());
  }
  // Under sharded evaluation every rank holds the whole report; rank 0 alone writes files.
  const bool writer = distributed::writes_outputs(eval.shards.get());
  if (!o.reliability_diagram.empty() && writer) {
    metrics::write_reliability_diagram(o.reliability_diagram, context.diagram);
    progress.message("wrote " + o.reliability_diagram);
  }
  if (!o.dump_probabilities.empty() && writer) {
    dump_probabilities(o.dump_probabilities, *run.model, test, machine.device, eval);
    progress.message("wrote " + o.dump_probabilities);
  }
  const nlohmann::json model_provenance =
      run.scripted
          ? nlohmann::json{{"model_file", run.checkpoint}, {"model_content_hash", run.content_hash}}
          : nlohmann::json{{"checkpoint", run.checkpoint},
                           {"checkpoint_epoch", run.checkpoint_epoch}};
  report["provenance"] = provenance_json(machine, o.data.path, dataset.format);
  report["provenance"].update({{"test_images", test.size()},
                               {"test_per_class", data::per_class_json(test, per_class)},
                               {"test_hash", test_hash},
                               {"seed", eval.seed}});
  if (run.scripted) report["provenance"]["memory_format"] = "as stored";
  report["provenance"].update(model_provenance);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  images *= static_cast<double>(eval.ensemble);
  report["timing"].update({{"seconds", seconds},
                           {"images_per_second", images / seconds},
                           {"peak_resident_mib", peak_resident_mib()}});
  if (eval.bootstrap > 0) report["timing"]["bootstrap_seconds"] = context.bootstrap_seconds;
  if (eval.shards) report["timing"]["ranks"] = eval.shards->size;
  if (!writer) return report;
  write_report(report_path, report);
  if (cell_log) cell_log->remove();  // its cells are in the report now
  progress.message("wrote " + report_path);
  return report;
}

}  // namespace dign::eval
