#include "eval/temperature_calibration.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <cmath>
#include <filesystem>
#include <numeric>

#include "core/error.h"
#include "core/file_io.h"
#include "core/machine.h"
#include "data/loader.h"
#include "eval/temperature_scaling.h"
#include "metrics/calibration.h"
#include "models/memory_format.h"
#include "run/load_run.h"
#include "run/run_files.h"

namespace dign::eval {
namespace fs = std::filesystem;

namespace {

std::string file_hash(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path);
  return fmt::format("xxh3:{:016x}", XXH3_64bits(bytes.data(), bytes.size()));
}

// The run recorded this hash of the images; other data under --data would fit another set.
void check_recorded_hash(const nlohmann::json& config, const char* key, const data::ImageSet& set,
                         const std::string& what, const std::string& data_path) {
  const auto& d = config.value("data", nlohmann::json::object());
  if (!d.contains(key) || !d[key].is_string()) return;  // older runs record none
  DIGN_CHECK_OPTION(d[key] == data::content_hash(set), "data", data_path, ": its ", what,
                    " differ from the run's (content hash ", data::content_hash(set), ", the run ",
                    "recorded ", d[key].get<std::string>(), "); pass the data the run trained on");
}

struct Logits {
  torch::Tensor logits;  ///< float [N, C] on the CPU
  torch::Tensor labels;  ///< int64 [N]
};

// The images' logits, once, batch by batch in the model's precision (as dign eval scores).
Logits compute_logits(models::ClassifierImpl& model, const data::ImageSet& images,
                      const Machine& machine, int64_t batch_size) {
  std::vector<int64_t> order(static_cast<size_t>(images.size()));
  std::iota(order.begin(), order.end(), 0);
  data::BatchLoader loader(images, order, data::LoaderOptions().batch_size(batch_size), nullptr);
  std::vector<torch::Tensor> logits, labels;
  while (auto batch = loader.next()) {
    logits.push_back(
        predict_logits(model, batch->images.to(machine.device), machine.precision).cpu());
    labels.push_back(batch->labels);
  }
  return {torch::cat(logits), torch::cat(labels)};
}

metrics::CalibrationResult calibration_at(const Logits& l, double temperature, int64_t bins) {
  const torch::Tensor p = torch::softmax(l.logits / temperature, 1);
  auto [confidence, predicted] = p.max(1);
  const torch::Tensor correct = predicted.eq(l.labels).to(torch::kUInt8).contiguous();
  confidence = confidence.contiguous();
  metrics::CalibrationMeter meter(bins);
  meter.add(confidence.data_ptr<float>(), correct.data_ptr<uint8_t>(), correct.size(0));
  return meter.value();
}

}  // namespace

std::string calibration_path(const std::string& run_dir) {
  return (fs::path(run_dir) / "calibration.json").string();
}

HeldOutImages held_out_images(const run::RunConfig& config, const data::ImageSet& train_split,
                              const CalibrateOptions& o) {
  const run::TrainOptions& t = config.options;
  const data::ImageSet train = data::limit_images(train_split, t.train_limit);
  HeldOutImages out;
  if (t.val_split > 0 && o.split != "train") {
    // Exactly the images training held out (train::prepare_training_data draws them so).
    auto split = data::split_validation(train, t.val_split);
    check_recorded_hash(config.json, "selection_hash", split.second, "validation images",
                        o.data.path);
    const int64_t n = split.second.size();
    DIGN_CHECK_OPTION(o.calib_split <= n, "calib_split", "expected between 1 and ", n,
                      " images (the run's --val-split images), got ", o.calib_split);
    out.images = data::limit_images(std::move(split.second), o.calib_split);
    out.split = "validation";
    return out;
  }
  DIGN_CHECK_OPTION(o.split != "validation", "split",
                    "the run was trained without --val-split: it has no validation images; use "
                    "--calib-split N");
  const int64_t n =
      t.val_split > 0 ? data::split_validation(train, t.val_split).first.size() : train.size();
  DIGN_CHECK_OPTION(o.calib_split > 0, "calib_split",
                    "the run was trained without --val-split: pass --calib-split N (N of its ", n,
                    " training images)");
  DIGN_CHECK_OPTION(o.calib_split < n, "calib_split", "expected between 1 and ", n - 1,
                    " images (the training split has ", n, "), got ", o.calib_split);
  data::ImageSet rest = t.val_split > 0 ? data::split_validation(train, t.val_split).first : train;
  check_recorded_hash(config.json, "train_hash", rest, "training images", o.data.path);
  out.images = data::split_validation(rest, o.calib_split).second;
  out.split = "train";
  out.seen_in_training = true;
  return out;
}

nlohmann::json run_calibration(const CalibrateOptions& o, Progress& progress) {
  DIGN_CHECK_OPTION(o.split != "test", "split",
                    "refusing to fit the temperature on the test split (dign eval measures "
                    "calibration there); use the run's --val-split images or --calib-split N");
  DIGN_CHECK_OPTION(o.split == "auto" || o.split == "validation" || o.split == "train", "split",
                    "expected auto, validation or train, got '", o.split, "'");
  DIGN_CHECK_OPTION(o.calib_split >= 0, "calib_split", "expected a count >= 1, got ",
                    o.calib_split);
  DIGN_CHECK_OPTION(o.bins >= 1, "bins", "expected at least 1 bin, got ", o.bins);
  DIGN_CHECK_OPTION(o.batch_size >= 1, "batch_size", "expected at least 1, got ", o.batch_size);
  o.machine.validate();
  DIGN_CHECK_OPTION(fs::is_directory(o.model_dir), "model", o.model_dir,
                    ": not a run directory (dign calibrate needs the run's held-out split)");
  const std::string config_path = run::RunFiles(o.model_dir).config();
  DIGN_CHECK_OPTION(fs::exists(config_path), "model", config_path,
                    " does not exist: not a run directory written by dign train");
  const run::RunConfig config = run::read_run_config(config_path);
  const std::string checkpoint = run::resolve_checkpoint(o.model_dir, o.checkpoint);
  DIGN_CHECK_OPTION(fs::exists(checkpoint), "model", checkpoint,
                    " does not exist: the run has no trained model to calibrate");
  run::LoadedRun run = run::load_run(o.model_dir, o.checkpoint);
  DIGN_CHECK_OPTION(run.ensemble.copies == 1, "model", o.model_dir,
                    ": the run predicts with a test-time ensemble (", run.ensemble.copies,
                    " noisy copies); temperature scaling of an ensemble is not supported");

  const Machine machine = resolve_machine(o.machine);
  data::DataOptions d = config.options.data;
  d.path = o.data.path;
  d.format = o.data.format;
  d.threads = machine.threads;
  const data::Dataset dataset = data::load_dataset(d);
  const HeldOutImages held = held_out_images(config, dataset.train, o);
  if (held.seen_in_training) {
    progress.warning(fmt::format(
        "the {} --calib-split images were part of the training split (the run has no "
        "--val-split): the model has seen them, so the fitted temperature is likely too low",
        held.images.size()));
  }
  run.model->to(machine.device);
  models::apply_memory_format(*run.model, machine.memory_format);
  const Logits logits = compute_logits(*run.model, held.images, machine, o.batch_size);
  const TemperatureFit fit = fit_temperature(logits.logits, logits.labels);
  const metrics::CalibrationResult before = calibration_at(logits, 1.0, o.bins);
  const metrics::CalibrationResult after = calibration_at(logits, fit.temperature, o.bins);

  nlohmann::json r;
  r["schema_version"] = 1;
  r["temperature"] = fit.temperature;
  r["method"] =
      "temperature scaling (Guo et al. 2017): p = softmax(logits / T) with one T > 0 minimising "
      "the mean negative log-likelihood on held-out images; logits computed once in the "
      "evaluation precision, the fit in double precision (Newton steps on 1/T, where the NLL is "
      "convex, safeguarded by bisection; relative tolerance 1e-10); accuracy is unchanged";
  r["fit"] = {
      {"iterations", fit.iterations}, {"at_bound", fit.at_bound}, {"interval", {0.01, 100.0}}};
  r["split"] = held.split;
  r["seen_in_training"] = held.seen_in_training;
  r["split_note"] =
      held.seen_in_training
          ? "--calib-split images drawn from the run's training split (per class, as --val-split "
            "draws): the model was trained on them unless it was trained with the same hold-out"
          : "the run's --val-split images, held out of training and drawn as training drew them";
  r["images"] = held.images.size();
  r["images_hash"] = data::content_hash(held.images);
  r["accuracy"] = before.accuracy;
  r["nll_before"] = fit.nll_before;
  r["nll_after"] = fit.nll_after;
  r["ece_before"] = before.ece;
  r["ece_after"] = after.ece;
  r["rmse_before"] = before.rmse;
  r["rmse_after"] = after.rmse;
  r["bins"] = o.bins;
  r["run_dir"] = o.model_dir;
  r["checkpoint"] = run.checkpoint;
  r["checkpoint_epoch"] = run.checkpoint_epoch;
  r["checkpoint_hash"] = file_hash(run.checkpoint);
  r["provenance"] = provenance_json(machine, o.data.path, dataset.format);
  const std::string out = o.out.empty() ? calibration_path(o.model_dir) : o.out;
  write_file_atomic(out, r.dump(2) + "\n");
  progress.message(fmt::format(
      "{} {} images: T = {:.4f}  NLL {:.4f} -> {:.4f}  ECE {:.4f} -> {:.4f}{}", held.split,
      held.images.size(), fit.temperature, fit.nll_before, fit.nll_after, before.ece, after.ece,
      fit.at_bound ? "  (at the end of the search interval)" : ""));
  progress.message("wrote " + out);
  return r;
}

nlohmann::json find_calibration(const std::string& run_dir, const std::string& checkpoint,
                                Progress& progress) {
  const std::string path = calibration_path(run_dir);
  if (!fs::exists(path)) return nullptr;
  nlohmann::json r;
  double temperature = 0;
  try {
    r = nlohmann::json::parse(read_text_file(path));
    temperature = r.at("temperature").get<double>();
    static_cast<void>(r.at("checkpoint_hash").get<std::string>());
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": not a dign calibrate record (" + e.what() + ")");
  }
  DIGN_CHECK(temperature > 0 && std::isfinite(temperature), path,
             ": expected a temperature > 0, got ", temperature);
  if (r["checkpoint_hash"] != file_hash(checkpoint)) {
    progress.warning(
        fmt::format("{}: fitted on {}, not on {}: temperature not applied (run dign "
                    "calibrate again)",
                    path, r.value("checkpoint", std::string("another checkpoint")), checkpoint));
    return nullptr;
  }
  return {
      {"value", temperature},
      {"source", path},
      {"split", r.value("split", nlohmann::json(nullptr))},
      {"images", r.value("images", nlohmann::json(nullptr))},
      {"seen_in_training", r.value("seen_in_training", nlohmann::json(nullptr))},
      {"checkpoint_hash", r["checkpoint_hash"]},
      {"note",
       "temperature_scaled blocks: calibration of softmax(logits / value); accuracy unchanged"}};
}

}  // namespace dign::eval
