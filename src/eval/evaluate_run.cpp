#include "eval/evaluate_run.h"

#include <fmt/format.h>
#include <torch/version.h>

#include <chrono>
#include <filesystem>

#include "core/device.h"
#include "core/error.h"
#include "core/file_io.h"
#include "core/memory.h"
#include "core/threads.h"
#include "core/version.h"
#include "data/corrupted_set.h"
#include "eval/corruption_report.h"
#include "eval/report.h"
#include "metrics/reliability_diagram.h"
#include "models/memory_format.h"
#include "models/registry.h"
#include "run/checkpoint.h"
#include "run/run_config.h"
#include "run/run_files.h"

namespace dign::eval {
namespace fs = std::filesystem;

namespace {

std::string checkpoint_path(const EvalRunOptions& o) {
  return run::resolve_checkpoint(o.model_dir, o.checkpoint);
}

}  // namespace

nlohmann::json run_evaluation(const EvalRunOptions& o, std::ostream& out) {
  DIGN_CHECK_OPTION(!o.model_dir.empty() || o.checkpoint != "best", "model",
                    "a run directory is required");
  DIGN_CHECK_OPTION(o.test_limit >= 0, "test_limit", "expected a count >= 0, got ", o.test_limit);
  DIGN_CHECK_OPTION(o.ensemble >= 0, "ensemble", "expected a count >= 0, got ", o.ensemble);
  o.eval.validate();
  // Every option that can be wrong is checked before the model or the data are loaded.
  std::unique_ptr<data::CorruptedSet> set;
  if (!o.corrupted.empty() && o.corrupted != "generate")
    set = data::open_corrupted_set(o.corrupted);
  if (o.corrupted == "generate") corrupt::resolved(o.generate, corrupt::Table::kCifar);
  if (!o.reliability_diagram.empty()) metrics::figure_format_for_path(o.reliability_diagram);
  DIGN_CHECK(o.baseline.empty() || !o.corrupted.empty(),
             "--baseline needs --corrupted (the baseline's errors are per corruption)");
  nlohmann::json baseline;
  if (!o.baseline.empty()) {
    try {
      baseline = nlohmann::json::parse(read_text_file(o.baseline));
    } catch (const nlohmann::json::exception& e) {
      throw Error(detail::concat("--baseline ", o.baseline, ": not valid JSON (", e.what(), ")"));
    }
  }
  const std::string ckpt = checkpoint_path(o);
  DIGN_CHECK_OPTION(fs::exists(ckpt), "checkpoint", ckpt, " does not exist");
  const nlohmann::json meta = run::read_checkpoint_meta(ckpt);
  nlohmann::json config;
  const fs::path config_path = fs::path(o.model_dir) / "config.json";
  if (!o.model_dir.empty() && fs::exists(config_path)) {
    config = run::read_run_config(config_path.string()).json;
  }
  const std::string out_path =
      !o.out.empty() ? o.out
                     : (fs::path(o.model_dir.empty() ? "." : o.model_dir) / "eval.json").string();

  const int threads = set_threads(o.threads);
  const std::string device_name = resolve_device(o.device);
  const std::string precision = resolve_precision(o.precision, device_name);
  const std::string memory_format = models::resolve_memory_format(o.memory_format, precision);
  const torch::Device device(device_name);

  data::DataOptions d = o.data;
  d.threads = threads;
  if (d.image_size == 0 && config.contains("options")) {
    d.image_size = config["options"]["data"].value("image_size", int64_t{0});
  }
  const auto start = std::chrono::steady_clock::now();
  data::Dataset dataset = data::load_dataset(d);
  std::vector<int64_t> per_class;
  data::ImageSet test =
      o.test_limit > 0 ? data::subset(dataset.test,
                                      data::limit_per_class(dataset.test, o.test_limit, &per_class))
                       : std::move(dataset.test);
  const models::ModelRecord record = models::parse_model_record(meta, ckpt);
  models::Classifier model = models::make_model(record);
  DIGN_CHECK(record.data.num_classes() == test.num_classes(), "--data ", o.data.path, ": has ",
             test.num_classes(), " classes but the model was trained on ",
             record.data.num_classes());
  const nlohmann::json loaded = run::load_checkpoint(ckpt, *model, nullptr);
  model->to(device);
  models::apply_memory_format(*model, memory_format);

  EvalOptions eval = o.eval;
  eval.precision = precision;
  const nlohmann::json inference = meta.value("inference", nlohmann::json::object());
  eval.ensemble = o.ensemble > 0 ? o.ensemble : inference.value("ensemble", int64_t{1});
  eval.ensemble_sigma = inference.value("ensemble_sigma", 0.0);
  DIGN_CHECK(eval.ensemble == 1 || eval.ensemble_sigma > 0, "--ensemble ", eval.ensemble,
             ": the model records no ensemble noise level (only RSE runs have one)");

  nlohmann::json report;
  report["schema_version"] = kReportSchemaVersion;
  report["model"] = {{"run_dir", o.model_dir},
                     {"checkpoint", ckpt},
                     {"checkpoint_epoch", loaded.value("epoch", int64_t{0})},
                     {"method", config.contains("options") ? config["options"]["method"]
                                                           : nlohmann::json(nullptr)}};
  report["model"].update(models::to_json(record.arch));  // "arch" and its options ("width")
  report["binning"] = {{"bins", eval.bins},
                       {"rule", metrics::CalibrationMeter::binning_description(eval.bins)},
                       {"confidence", "max softmax probability, computed in fp32"}};
  report["ensemble"] = {{"copies", eval.ensemble}, {"sigma", eval.ensemble_sigma}};
  ConditionResult clean = evaluate_condition(*model, test, device, eval, 0.0);
  report["clean"] = condition_json(clean);
  out << fmt::format("clean: accuracy {:.4f} ± {:.4f}  ECE {:.4f}  RMSE {:.4f}\n",
                     clean.accuracy.value(), clean.accuracy.standard_error(),
                     clean.calibration.value().ece, clean.calibration.value().rmse);
  report["gaussian_noise"] = nlohmann::json::array();
  for (double sigma : eval.noise_sigmas) {
    ConditionResult noisy = evaluate_condition(*model, test, device, eval, sigma);
    report["gaussian_noise"].push_back(condition_json(noisy));
    out << fmt::format("gaussian noise sigma {}: accuracy {:.4f}  RMSE {:.4f}\n", sigma,
                       noisy.accuracy.value(), noisy.calibration.value().rmse);
  }
  report["gaussian_noise_note"] =
      "x + N(0, sigma^2) per pixel in [0,1] units, clipped to [0,1]; noise seeded per image";
  std::vector<metrics::ReliabilitySeries> diagram = {{"clean", clean.calibration.value()}};
  int64_t corrupted_images = 0;
  if (!o.corrupted.empty()) {
    if (o.corrupted == "generate") {
      corrupt::GenerateOptions g = o.generate;
      g.threads = threads;
      set = corrupt::generate_corrupted(test, g);
    }
    // Tiny-ImageNet-C numbers its sorted wnid folders; the model, wnids.txt's order.
    set->relabel_by_name(test.class_names);
    for (int64_t label : set->labels()) {
      DIGN_CHECK(label < test.num_classes(), "--corrupted ", o.corrupted, ": label ", label,
                 " is outside the model's ", test.num_classes(), " classes");
    }
    const CorruptedResults results =
        evaluate_corrupted(*model, *set, device, eval, o.corruption, out);
    report["corrupted"] = corrupted_json(results, *set, o.corruption);
    const auto& k = report["corrupted"];
    out << fmt::format("corrupted: mCA {}  mCA-N {}\n", k["mca"].dump(), k["mca_n"].dump());
    corrupted_images =
        set->size() * static_cast<int64_t>(set->corruptions().size() * set->severities().size());
    if (!k["all"].is_null())
      diagram.push_back({"corrupted", results.pooled_all.calibration.value()});
    if (!k["noise"].is_null()) {
      diagram.push_back({"noise corruptions", results.pooled_noise.calibration.value()});
    }
    if (!o.baseline.empty()) {
      try {
        add_baseline_errors(report, baseline, o.baseline);
      } catch (const nlohmann::json::exception& e) {
        throw Error(
            detail::concat("--baseline ", o.baseline, ": not a dign report (", e.what(), ")"));
      }
    }
  }
  if (!o.reliability_diagram.empty()) {
    metrics::write_reliability_diagram(o.reliability_diagram, diagram);
    out << "wrote " << o.reliability_diagram << "\n";
  }
  nlohmann::json test_per_class = nullptr;
  if (!per_class.empty()) {
    test_per_class = nlohmann::json::object();
    for (size_t c = 0; c < per_class.size(); ++c)
      test_per_class[test.class_names[c]] = per_class[c];
  }
  report["provenance"] = {{"checkpoint", ckpt},
                          {"checkpoint_epoch", loaded.value("epoch", int64_t{0})},
                          {"data_path", o.data.path},
                          {"data_format", dataset.format},
                          {"test_images", test.size()},
                          {"test_per_class", test_per_class},
                          {"test_hash", data::content_hash(test)},
                          {"precision", precision},
                          {"memory_format", memory_format},
                          {"device", device_name},
                          {"seed", eval.seed},
                          {"threads", threads},
                          {"dign_version", version()},
                          {"git_commit", git_commit()},
                          {"libtorch_version", TORCH_VERSION}};
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double images =
      (static_cast<double>(test.size()) * static_cast<double>(1 + eval.noise_sigmas.size()) +
       static_cast<double>(corrupted_images)) *
      static_cast<double>(eval.ensemble);
  report["timing"] = {{"seconds", seconds},
                      {"images_per_second", images / seconds},
                      {"peak_resident_mib", peak_resident_mib()}};
  write_report(out_path, report);
  out << "wrote " << out_path << "\n";
  return report;
}

}  // namespace dign::eval
