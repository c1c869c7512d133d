#include "train/training_run.h"

#include <fmt/format.h>
#include <torch/version.h>

#include <csignal>

#include "core/cpu_features.h"
#include "core/error.h"
#include "core/fault.h"
#include "core/memory.h"
#include "core/rng.h"
#include "core/torch_rng.h"
#include "core/version.h"
#include "distributed/sync_batch_norm.h"
#include "models/memory_format.h"
#include "models/model_record.h"
#include "models/registry.h"
#include "objectives/registry.h"
#include "run/checkpoint.h"
#include "train/loop.h"
#include "train/step.h"

namespace dign::train::internal {
namespace fs = std::filesystem;

namespace {

std::string signal_name(int sig) {
  return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : fmt::format("signal {}", sig);
}

}  // namespace

void TrainingRun::start() {
  nlohmann::json config;
  std::exception_ptr error;
  try {
    config = prepare_start();
  } catch (const Error&) {
    error = std::current_exception();
  }
  // Ranks of a data-parallel run fail together, before anything is written.
  agree(agreed_json({{"data", config.is_null() ? nlohmann::json() : config.at("data")}}), error);
  if (writer()) dir_.emplace(run::RunDirectory::create(o_.out, config));
  if (parallel_.group) {
    parallel_.group->barrier();  // config.json written
    if (!writer()) dir_.emplace(run::RunDirectory::open_shared(o_.out));
  }
}

nlohmann::json TrainingRun::prepare_start() {
  o_.validate();
  DIGN_CHECK_OPTION(o_.batch_size % world() == 0, "batch_size", o_.batch_size,
                    " is the global batch and must be divisible by WORLD_SIZE=", world());
  if (writer()) run::RunDirectory::check_free(o_.out);
  machine_ = resolve_machine(o_.machine);
  data_ = prepare_training_data(o_, machine_.threads);
  const auto [mean, std] = data::channel_statistics(data_.train);
  const auto model_data = models::ModelData()
                              .num_classes(data_.dataset.train.num_classes())
                              .mean(mean)
                              .std(std)
                              .image_size(data_.image_size);
  const models::ModelRecord record{o_.model, model_data};
  // An architecture that does not fit the images: an error under its flag, nothing written.
  record.validate();
  model_json_ = models::to_json(record);
  build_model();
  const auto ensemble = o_.method.test_time_ensemble();
  const nlohmann::json config = {
      {"options", to_json(o_)},
      {"resolved", machine_.to_json()},
      {"data", data_.describe()},
      {"model", model_json_},
      {"inference", {{"ensemble", ensemble.copies}, {"ensemble_sigma", ensemble.sigma}}},
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
  return config;
}

bool TrainingRun::resume() {
  bool more = true;
  std::exception_ptr error;
  try {
    more = prepare_resume();
  } catch (const Error&) {
    error = std::current_exception();
  }
  // Every rank continues from the same checkpoint, or all fail together.
  agree(agreed_json({{"checkpoint", newest_checkpoint_}, {"step", state_.step}}), error);
  if (!more) return false;
  if (o_.epochs != dir_->config().json.at("options").at("epochs").get<int64_t>() && writer()) {
    nlohmann::json updated = dir_->config().json;
    updated["options"]["epochs"] = o_.epochs;
    dir_->update_config(updated);
  }
  if (writer()) {
    dir_->remove_stale_temporaries();
    dir_->write_log(state_.log);
  }
  return true;
}

bool TrainingRun::prepare_resume() {
  DIGN_CHECK_OPTION(o_.batch_size % world() == 0, "batch_size", o_.batch_size,
                    " (the run's global batch) must be divisible by WORLD_SIZE=", world(),
                    " to resume on ", world(), " ranks");
  // Rank 0 holds the lock and writes; the other ranks only read.
  dir_.emplace(writer() ? run::RunDirectory::open(o_.out) : run::RunDirectory::open_shared(o_.out));
  const nlohmann::json& config = dir_->config().json;
  // The precision the run started with, so that it continues the same computation.
  machine_ =
      resolve_machine(o_.machine, o_.machine.precision == "auto"
                                      ? config.at("resolved").at("precision").get<std::string>()
                                      : "");
  model_json_ = config.at("model");
  const auto saved = dir_->newest_checkpoint(progress_);
  if (saved) {
    state_ = saved->state;
    newest_checkpoint_ = saved->path;
    if (state_.epoch >= o_.epochs) return false;
  }
  data_ = prepare_training_data(o_, machine_.threads);
  const auto& recorded = config.at("data");
  for (const auto& [key, set] :
       {std::pair<const char*, const data::ImageSet*>{"train_hash", &data_.train},
        {"selection_hash", &data_.selection}}) {
    const std::string now = data::content_hash(*set);
    DIGN_CHECK_OPTION(now == recorded.at(key).get<std::string>(), "data", o_.data.path,
                      ": the data differ from the run's (", key, " ", now, ", config.json has ",
                      recorded.at(key).get<std::string>(), ")");
  }
  build_model();
  if (saved) {
    run::load_checkpoint(newest_checkpoint_, *model_, optimizer_.get());
    // Loading replaces the tensors' storage with the file's layout.
    models::apply_memory_format(*model_, machine_.memory_format);
    progress_.message(fmt::format("resuming {} from {} (epoch {}, batch {}, step {})", o_.out,
                                  newest_checkpoint_, state_.epoch + 1, state_.batch, state_.step));
  } else {
    progress_.message(fmt::format("{}: no checkpoint yet; starting the run over", o_.out));
  }
  saved_position_ = {state_.step, state_.epoch, state_.batch};
  return true;
}

TrainSummary TrainingRun::finished_summary() const {
  TrainSummary s = summary();
  s.already_finished = true;
  return s;
}

void TrainingRun::build_model() {
  model_ = run::model_from_meta(model_json_, dir_ ? dir_->files().config() : o_.out);
  // Initial weights from the run's own stream, on the CPU: every device starts alike.
  auto init = make_generator(torch::kCPU, derive_seed(o_.seed, {purpose_tag("init")}));
  model_->reset_parameters(init);
  model_->to(machine_.device);
  models::apply_memory_format(*model_, machine_.memory_format);
  if (o_.sync_bn) distributed::enable_sync_batch_norm(*model_, parallel_.group.get());
  objective_ = objectives::make_objective(o_.method);
  optimizer_ = make_optimizer(*model_, o_);
}

nlohmann::json TrainingRun::checkpoint_meta(const run::TrainState& state) const {
  nlohmann::json meta = model_json_;
  meta["epoch"] = state.epoch;
  meta["batch"] = state.batch;
  meta["step"] = state.step;
  meta["best_accuracy"] = state.best_accuracy;
  meta["best_epoch"] = state.best_epoch;
  meta["inference"] = dir_->config().json.at("inference");
  return meta;
}

void TrainingRun::save(const run::TrainState& state) {
  if (!writer()) return;
  const std::tuple<int64_t, int64_t, int64_t> position{state.step, state.epoch, state.batch};
  if (position == saved_position_) return;
  nlohmann::json meta = checkpoint_meta(state);
  meta["state"] = to_json(state);
  const std::string path = dir_->checkpoint_path(state.step);
  run::save_checkpoint(path, *model_, optimizer_.get(), meta);
  dir_->prune_checkpoints(o_.keep_last);
  newest_checkpoint_ = path;
  saved_position_ = position;
}

void TrainingRun::end_of_step(const run::TrainState& state, const StepInfo& /*step*/) {
  kill_point("step");  // reliability tests: a crash between two steps
  if (fault_fires("sigint")) std::raise(SIGINT);
  if (fault_fires("sigterm")) std::raise(SIGTERM);
  if (fault_fires("double-sigint")) {
    std::raise(SIGINT);
    std::raise(SIGINT);
  }
  if (o_.checkpoint_every > 0 && state.step % o_.checkpoint_every == 0) save(state);
}

void TrainingRun::end_of_epoch(const run::TrainState& state, const EpochInfo& epoch) {
  if (!writer()) return;
  if (epoch.improved) {
    nlohmann::json meta = checkpoint_meta(state);
    meta["selection_accuracy"] = epoch.selection_metric;
    run::save_checkpoint(dir_->files().best(), *model_, nullptr, meta);
  }
  save(state);
  kill_point("epoch-end");  // reliability tests: the checkpoint is written, the log not yet
  dir_->write_log(state.log);
  const auto& line = state.log.back();
  progress_.message(fmt::format(
      "epoch {:>3}/{}  lr {:.4g}  loss {:.4f}  train acc {:.4f}  {} acc {:.4f}{}  {:.0f} img/s",
      state.epoch, o_.epochs, epoch.lr, line["train_loss"].get<double>(),
      line["train_accuracy"].get<double>(), data_.selection_name, epoch.selection_metric,
      epoch.improved ? " *" : "", line["timing"]["images_per_second"].get<double>()));
  if (sync_) {
    progress_.message(
        fmt::format("  all-reduce of gradients: {:.2f} s in total so far", sync_->seconds()));
  }
}

TrainSummary TrainingRun::train() {
  TrainingLoop loop(o_, machine_, data_, *model_, *objective_, *optimizer_, progress_);
  start_data_parallel(loop);
  int sig = 0;
  try {
    sig = loop.run(state_, *this);
  } catch (const Diverged& e) {
    throw Error(fmt::format(
        "{}; the last good checkpoint is {}; resume it with a lower --lr or --on-nonfinite skip",
        e.what(), newest_checkpoint_.empty() ? "none (no epoch finished)" : newest_checkpoint_));
  }
  if (sig != 0) {
    save(state_);
    TrainSummary s = summary();
    s.interrupted_by = sig;
    progress_.message(fmt::format("{} received: stopped at epoch {}, batch {}; checkpoint {}",
                                  signal_name(sig), state_.epoch + 1, state_.batch,
                                  newest_checkpoint_));
    return s;
  }
  TrainSummary s = summary();
  if (!writer()) return s;
  dir_->write_metrics({{"best", {{"accuracy", s.best_accuracy}, {"epoch", s.best_epoch}}},
                       {"last", {{"accuracy", s.last_accuracy}, {"epoch", s.epochs}}},
                       {"selection_set", s.selection_set},
                       {"timing",
                        {{"seconds", s.seconds},
                         {"train_images_per_second", s.images_per_second},
                         {"peak_resident_mib", peak_resident_mib()}}}});
  return s;
}

TrainSummary TrainingRun::summary() const {
  TrainSummary s;
  s.best_accuracy = state_.best_accuracy;
  s.best_epoch = state_.best_epoch;
  s.selection_set = dir_->config().json.at("data").at("selection_set").get<std::string>();
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
