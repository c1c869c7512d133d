#include "train/session.h"

#include <fmt/format.h>
#include <torch/version.h>

#include <filesystem>
#include <sstream>

#include "core/cpu_features.h"
#include "core/device.h"
#include "core/error.h"
#include "core/file_io.h"
#include "core/rng.h"
#include "core/threads.h"
#include "core/torch_rng.h"
#include "core/version.h"
#include "models/memory_format.h"
#include "models/registry.h"
#include "objectives/registry.h"
#include "run/checkpoint.h"
#include "train/step.h"

namespace dign::train::internal {
namespace fs = std::filesystem;

void Session::start() {
  o_.validate();
  DIGN_CHECK(!fs::exists(files().config()), "--out ", o_.out,
             ": already holds a run (config.json); continue it with --resume ", o_.out,
             " or choose a fresh directory");
  resolve_machine(o_.precision);
  data_ = prepare_training_data(o_, threads_);
  const auto [mean, std] = data::channel_statistics(data_.train);
  const models::ModelRecord record{
      o_.model,
      models::ModelData().num_classes(data_.dataset.train.num_classes()).mean(mean).std(std)};
  model_json_ = models::to_json(record);
  build_model();
  lock_ = std::make_unique<run::RunLock>(o_.out);
  DIGN_CHECK(!fs::exists(files().config()), "--out ", o_.out, ": already holds a run");
  config_ = {
      {"options", to_json(o_)},
      {"resolved",
       {{"device", device_name_},
        {"precision", precision_},
        {"memory_format", memory_format_},
        {"threads", threads_}}},
      {"data", data_.describe()},
      {"model", model_json_},
      {"inference",
       {{"ensemble", o_.method.test_time_ensemble().copies},
        {"ensemble_sigma", o_.method.test_time_ensemble().sigma}}},
      {"selection_note",
       data_.selection_name == "test"
           ? "best checkpoint selected on the TEST set, as the paper does; this flatters test "
             "figures. Use --val-split N for an unbiased selection."
           : "best checkpoint selected on a validation split held out of the training set"},
      {"provenance",
       {{"dign_version", version()},
        {"git_commit", git_commit()},
        {"libtorch_version", TORCH_VERSION},
        {"cpu", cpu_features().model_name}}}};
  write_file_atomic(files().config(), config_.dump(2) + "\n");
}

bool Session::resume(const nlohmann::json& config) {
  config_ = config;
  lock_ = std::make_unique<run::RunLock>(o_.out);
  const std::string saved_precision = config_.at("resolved").at("precision").get<std::string>();
  // The precision the run started with, so that it continues the same computation.
  resolve_machine(o_.precision == "auto" ? saved_precision : o_.precision);
  model_json_ = config_.at("model");
  const bool have_state = load_newest_checkpoint_meta();
  if (have_state && state_.epoch >= o_.epochs) return false;
  data_ = prepare_training_data(o_, threads_);
  const auto& recorded = config_.at("data");
  for (const auto& [key, set] :
       {std::pair<const char*, const data::ImageSet*>{"train_hash", &data_.train},
        {"selection_hash", &data_.selection}}) {
    const std::string now = data::content_hash(*set);
    DIGN_CHECK(now == recorded.at(key).get<std::string>(), "--data ", o_.data.path,
               ": the data differ from the run's (", key, " ", now, ", config.json has ",
               recorded.at(key).get<std::string>(), ")");
  }
  build_model();
  if (have_state) {
    run::load_checkpoint(newest_checkpoint_, *model_, optimizer_.get());
    // Loading replaces the tensors' storage with the file's layout.
    models::apply_memory_format(*model_, memory_format_);
    out_ << fmt::format("resuming {} from {} (epoch {}, batch {}, step {})\n", o_.out,
                        newest_checkpoint_, state_.epoch + 1, state_.batch, state_.step);
  } else {
    out_ << fmt::format("{}: no checkpoint yet; starting the run over\n", o_.out);
  }
  saved_position_ = {state_.step, state_.epoch, state_.batch};
  const int64_t saved_epochs = config_["options"]["epochs"].get<int64_t>();
  if (o_.epochs != saved_epochs) {
    config_["options"]["epochs"] = o_.epochs;
    write_file_atomic(files().config(), config_.dump(2) + "\n");
  }
  files().remove_stale_temporaries();
  write_log();
  return true;
}

TrainSummary Session::finished_summary() const {
  TrainSummary s = summary();
  s.already_finished = true;
  return s;
}

void Session::resolve_machine(const std::string& precision) {
  threads_ = set_threads(o_.threads);
  device_name_ = resolve_device(o_.device);
  precision_ = resolve_precision(precision, device_name_);
  memory_format_ = models::resolve_memory_format(o_.memory_format, precision_);
  device_ = torch::Device(device_name_);
}

void Session::build_model() {
  model_ = run::model_from_meta(model_json_);
  // On the CPU generator whatever the device, so a CUDA run starts from the same weights.
  auto init = make_generator(torch::kCPU, derive_seed(o_.seed, {purpose_tag("init")}));
  model_->reset_parameters(init);
  model_->to(device_);
  models::apply_memory_format(*model_, memory_format_);
  objective_ = objectives::make_objective(o_.method);
  optimizer_ = make_optimizer(*model_, o_);
}

bool Session::load_newest_checkpoint_meta() {
  const auto candidates = files().checkpoints_newest_first();
  std::string failures;
  for (const auto& path : candidates) {
    try {
      const nlohmann::json meta = run::read_checkpoint_meta(path);
      if (meta.contains("state")) {
        state_ = run::train_state_from_json(meta.at("state"), path);
      } else {  // dign 0.1: epoch-end checkpoints, the log kept beside them
        state_ = run::TrainState{};
        state_.epoch = meta.at("epoch").get<int64_t>();
        state_.step = meta.at("step").get<int64_t>();
        state_.best_accuracy = meta.at("best_accuracy").get<double>();
        state_.best_epoch = meta.at("best_epoch").get<int64_t>();
        std::istringstream lines(read_text_file(files().log()));
        for (std::string line;
             std::getline(lines, line) && static_cast<int64_t>(state_.log.size()) < state_.epoch;) {
          state_.log.push_back(nlohmann::json::parse(line));
        }
        DIGN_CHECK(static_cast<int64_t>(state_.log.size()) == state_.epoch, files().log(),
                   ": fewer lines than the checkpoint's ", state_.epoch, " epochs");
      }
      newest_checkpoint_ = path;
      return true;
    } catch (const std::exception& e) {
      out_ << "warning: skipping checkpoint " << path << ": " << e.what() << "\n";
      failures += std::string(failures.empty() ? "" : "; ") + e.what();
    }
  }
  DIGN_CHECK(candidates.empty(), o_.out, ": no readable checkpoint (", failures, ")");
  return false;
}

void Session::write_log() const {
  std::string text;
  for (const auto& line : state_.log) text += line.dump() + "\n";
  write_file_atomic(files().log(), text);
}

nlohmann::json Session::checkpoint_meta() const {
  nlohmann::json meta = model_json_;
  meta["epoch"] = state_.epoch;
  meta["batch"] = state_.batch;
  meta["step"] = state_.step;
  meta["best_accuracy"] = state_.best_accuracy;
  meta["best_epoch"] = state_.best_epoch;
  meta["inference"] = config_.at("inference");
  return meta;
}

void Session::save() {
  const std::tuple<int64_t, int64_t, int64_t> position{state_.step, state_.epoch, state_.batch};
  if (position == saved_position_) return;
  nlohmann::json meta = checkpoint_meta();
  meta["state"] = to_json(state_);
  const std::string path = files().checkpoint(state_.step);
  std::filesystem::create_directories(files().checkpoint_dir());
  run::save_checkpoint(path, *model_, optimizer_.get(), meta);
  files().prune_checkpoints(o_.keep_last);
  newest_checkpoint_ = path;
  saved_position_ = position;
}

TrainSummary Session::summary() const {
  TrainSummary s;
  s.best_accuracy = state_.best_accuracy;
  s.best_epoch = state_.best_epoch;
  s.selection_set = config_.at("data").at("selection_set").get<std::string>();
  s.last_accuracy =
      state_.log.empty() ? 0.0 : state_.log.back().value(s.selection_set + "_accuracy", 0.0);
  s.epochs = state_.epoch;
  s.seconds = state_.seconds;
  s.images_per_second =
      state_.seconds > 0 ? static_cast<double>(state_.images_seen) / state_.seconds : 0.0;
  s.checkpoint = newest_checkpoint_;
  return s;
}

}  // namespace dign::train::internal
