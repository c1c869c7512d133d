#include "train/trainer.h"

#include <fmt/format.h>
#include <torch/version.h>
#include <unistd.h>
#include <xxhash.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>
#include <sstream>
#include <tuple>

#include "core/cpu_features.h"
#include "core/device.h"
#include "core/error.h"
#include "core/fault.h"
#include "core/file_io.h"
#include "core/memory.h"
#include "core/rng.h"
#include "core/stop_signal.h"
#include "core/threads.h"
#include "core/torch_rng.h"
#include "core/version.h"
#include "augment/pipeline.h"
#include "data/loader.h"
#include "data/sampler.h"
#include "models/registry.h"
#include "run/checkpoint.h"
#include "run/run_config.h"
#include "run/run_files.h"
#include "run/run_lock.h"
#include "run/train_state.h"
#include "train/schedule.h"
#include "train/session.h"
#include "train/step.h"
#include "train/training_data.h"

namespace dign::train {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Never 0, which marks "unknown" (checkpoints of dign 0.1).
uint64_t order_hash(const std::vector<int64_t>& order) {
  return XXH3_64bits(order.data(), order.size() * sizeof(int64_t)) | 1u;
}

std::string signal_name(int sig) {
  return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : fmt::format("signal {}", sig);
}

}  // namespace

namespace internal {

void Session::train_step(const data::HostBatch& host, int64_t num_batches) {
  objectives::Batch batch{host.images.to(device_), host.labels.to(device_)};
  for (const auto& [name, view] : host.views) batch.views[name] = view.to(device_);
  auto generator = make_generator(
      device_, derive_seed(o_.seed, {purpose_tag("objective"), static_cast<uint64_t>(state_.epoch),
                                     static_cast<uint64_t>(state_.batch)}));
  const StepResult step = training_step(*model_, *objective_, *optimizer_, batch, generator,
                                        precision_, fault_fires("nan-loss"));
  const auto& result = step.output;
  const double loss = step.loss;
  const int64_t n = batch.labels.size(0);
  if (step.finite) {
    state_.sums.loss += loss * static_cast<double>(n);
    for (const auto& [name, value] : result.terms) {
      state_.sums.terms[name] += value.item<double>() * static_cast<double>(n);
    }
    state_.sums.correct += result.train_logits.argmax(1).eq(batch.labels).sum().item<int64_t>();
    state_.sums.seen += n;
  } else if (o_.on_nonfinite == "skip") {
    optimizer_->zero_grad();
    ++state_.sums.skipped_steps;
  } else {
    std::string terms;
    for (const auto& [name, value] : result.terms) {
      terms += fmt::format(" {}={}", name, value.item<double>());
    }
    throw Error(fmt::format(
        "training diverged: non-finite {} (loss={}{}) at epoch {}, batch {} of {}; the last "
        "good checkpoint is {}; resume it with a lower --lr or --on-nonfinite skip",
        std::isfinite(loss) ? "gradient" : "loss", loss, terms, state_.epoch + 1, state_.batch + 1,
        num_batches, newest_checkpoint_.empty() ? "none (no epoch finished)" : newest_checkpoint_));
  }
  ++state_.batch;
  ++state_.step;
}

void Session::end_epoch(double lr) {
  const double accuracy =
      selection_accuracy(*model_, data_.selection, o_.eval_batch_size, device_, precision_);
  const bool improved = accuracy > state_.best_accuracy;
  if (improved) {
    state_.best_accuracy = accuracy;
    state_.best_epoch = state_.epoch + 1;
  }
  const auto& sums = state_.sums;
  const double seen = static_cast<double>(std::max<int64_t>(sums.seen, 1));
  nlohmann::json line = {{"epoch", state_.epoch + 1},
                         {"lr", lr},
                         {"train_loss", sums.loss / seen},
                         {"train_accuracy", static_cast<double>(sums.correct) / seen},
                         {data_.selection_name + "_accuracy", accuracy},
                         {"best_accuracy", state_.best_accuracy},
                         {"skipped_steps", sums.skipped_steps},
                         {"timing",
                          {{"train_seconds", sums.seconds},
                           {"images_per_second", static_cast<double>(sums.seen) / sums.seconds},
                           {"peak_resident_mib", peak_resident_mib()}}}};
  for (const auto& [name, sum] : sums.terms) line["train_" + name] = sum / seen;
  state_.log.push_back(line);
  state_.images_seen += sums.seen;
  ++state_.epoch;
  state_.batch = 0;
  state_.order_hash = 0;
  state_.sums = run::EpochSums{};
  if (improved) {
    nlohmann::json meta = checkpoint_meta();
    meta["selection_accuracy"] = accuracy;
    run::save_checkpoint(files().best(), *model_, nullptr, meta);
  }
  save();
  kill_point("epoch-end");  // reliability tests: the checkpoint is written, the log not yet
  write_log();
  if (o_.progress) {
    if (isatty(STDERR_FILENO)) std::cerr << "\r" << std::string(78, ' ') << "\r";
    out_ << fmt::format(
                "epoch {:>3}/{}  lr {:.4g}  loss {:.4f}  train acc {:.4f}  {} acc {:.4f}{}  "
                "{:.0f} img/s\n",
                state_.epoch, o_.epochs, lr, line["train_loss"].get<double>(),
                line["train_accuracy"].get<double>(), data_.selection_name, accuracy,
                improved ? " *" : "", line["timing"]["images_per_second"].get<double>())
         << std::flush;
  }
}

TrainSummary Session::train() {
  const bool bar = o_.progress && isatty(STDERR_FILENO);
  const data::EpochSampler sampler(data_.train.size(), o_.seed, /*shuffle=*/true);
  const auto session_start = Clock::now();
  const double seconds_before = state_.seconds;
  auto interrupted = [&](int sig) {
    state_.seconds = seconds_before + seconds_since(session_start);
    save();
    TrainSummary s = summary();
    s.interrupted_by = sig;
    out_ << fmt::format("\n{} received: stopped at epoch {}, batch {}; checkpoint {}\n",
                        signal_name(sig), state_.epoch + 1, state_.batch, newest_checkpoint_);
    return s;
  };
  model_->train();
  const data::TrainingViews views{
      std::make_shared<augment::Compose>(augment::training_transforms(
          o_.augment, data_.train.height, data_.train.width, data_.image_size, "augment")),
      o_.method.views()};
  const int64_t loader_threads = o_.loader_threads > 0 ? o_.loader_threads : threads_;
  while (state_.epoch < o_.epochs) {
    double lr = learning_rate_at(o_, state_.epoch);  // from the position: nothing to restore
    const auto order = sampler.order(state_.epoch);
    const uint64_t hash = order_hash(order);
    DIGN_CHECK(state_.batch == 0 || state_.order_hash == 0 || state_.order_hash == hash, o_.out,
               ": the data order of epoch ", state_.epoch + 1,
               " differs from the checkpoint's (another dign version?); the run cannot continue "
               "exactly from mid-epoch");
    state_.order_hash = hash;
    data::BatchLoader loader(data_.train, order,
                             data::LoaderOptions()
                                 .batch_size(o_.batch_size)
                                 .image_size(data_.image_size)
                                 .seed(o_.seed)
                                 .epoch(state_.epoch)
                                 .min_batch(2)
                                 .workers(loader_threads),
                             &views);
    loader.skip(state_.batch);
    const auto epoch_start = Clock::now();
    const double epoch_seconds_before = state_.sums.seconds;
    auto update_clocks = [&] {
      state_.sums.seconds = epoch_seconds_before + seconds_since(epoch_start);
      state_.seconds = seconds_before + seconds_since(session_start);
    };
    while (true) {
      if (const int sig = stop_requested()) {
        update_clocks();
        return interrupted(sig);
      }
      const auto host = loader.next();
      if (!host) break;
      lr = learning_rate_at(o_, state_.epoch, state_.batch, loader.num_batches());
      for (auto& group : optimizer_->param_groups()) group.options().set_lr(lr);
      train_step(*host, loader.num_batches());
      kill_point("step");  // reliability tests: a crash between two steps
      if (fault_fires("sigint")) std::raise(SIGINT);
      if (fault_fires("sigterm")) std::raise(SIGTERM);
      if (fault_fires("double-sigint")) {
        std::raise(SIGINT);
        std::raise(SIGINT);
      }
      if (o_.checkpoint_every > 0 && state_.step % o_.checkpoint_every == 0) {
        update_clocks();
        save();
      }
      if (bar) {
        const auto& sums = state_.sums;
        const double seen = static_cast<double>(std::max<int64_t>(sums.seen, 1));
        std::cerr << fmt::format("\r[{}/{}] {}/{} loss {:.4f} acc {:.4f} {:.0f} img/s   ",
                                 state_.epoch + 1, o_.epochs, state_.batch, loader.num_batches(),
                                 sums.loss / seen, static_cast<double>(sums.correct) / seen,
                                 seen / (epoch_seconds_before + seconds_since(epoch_start)))
                  << std::flush;
      }
    }
    update_clocks();
    end_epoch(lr);
  }
  state_.seconds = seconds_before + seconds_since(session_start);
  TrainSummary s = summary();
  nlohmann::json metrics = {{"best", {{"accuracy", s.best_accuracy}, {"epoch", s.best_epoch}}},
                            {"last", {{"accuracy", s.last_accuracy}, {"epoch", s.epochs}}},
                            {"selection_set", s.selection_set},
                            {"timing",
                             {{"seconds", s.seconds},
                              {"train_images_per_second", s.images_per_second},
                              {"peak_resident_mib", peak_resident_mib()}}}};
  write_file_atomic(files().metrics(), metrics.dump(2) + "\n");
  return s;
}

}  // namespace internal

namespace {

nlohmann::json read_config(const std::string& dir) {
  const std::string path = run::RunFiles(dir).config();
  DIGN_CHECK(fs::exists(path), "--resume ", dir, ": no run to resume (", path, " is missing)");
  return run::read_run_config(path).json;
}

}  // namespace

TrainSummary run_training(const run::TrainOptions& options, std::ostream& out) {
  internal::Session session(options, out);
  session.start();
  return session.train();
}

run::TrainOptions saved_options(const std::string& dir) {
  const std::string path = run::RunFiles(dir).config();
  DIGN_CHECK(fs::exists(path), "--resume ", dir, ": no run to resume (", path, " is missing)");
  run::TrainOptions o = run::read_run_config(path).options;
  o.out = dir;
  return o;
}

void check_resume_options(const run::TrainOptions& saved, const run::TrainOptions& requested) {
  requested.validate();
  DIGN_CHECK(requested.epochs >= saved.epochs, "--epochs ", requested.epochs,
             ": the run was started with ", saved.epochs, " epochs; it may be raised, not lowered");
  nlohmann::json a = to_json(saved), b = to_json(requested);
  // What may change between sessions of one run: the machine and the bookkeeping.
  for (const char* key :
       {"out", "epochs", "threads", "loader_threads", "device", "eval_batch_size", "checkpoint_every", "keep_last",
        "on_nonfinite", "precision", "memory_format"}) {
    a.erase(key);
    b.erase(key);
  }
  if (saved.precision != "auto" || requested.precision != "auto") {
    DIGN_CHECK(saved.precision == requested.precision || requested.precision == "auto",
               "--precision ", requested.precision, " contradicts the run's ", saved.precision);
  }
  const nlohmann::json diff = nlohmann::json::diff(a, b);
  if (!diff.empty()) {
    const std::string where = diff.front().at("path").get<std::string>();
    const auto pointer = nlohmann::json::json_pointer(where);
    throw Error(detail::concat("option ", where.substr(1), " = ",
                               b.contains(pointer) ? b.at(pointer).dump() : "unset",
                               " contradicts the run's config.json (",
                               a.contains(pointer) ? a.at(pointer).dump() : "unset",
                               "); drop it to resume, or start a fresh --out"));
  }
}

TrainSummary resume_training(const std::string& dir, const run::TrainOptions& requested,
                             std::ostream& out) {
  const nlohmann::json config = read_config(dir);
  check_resume_options(saved_options(dir), requested);
  run::TrainOptions o = requested;
  o.out = dir;
  internal::Session session(o, out);
  if (!session.resume(config)) return session.finished_summary();
  return session.train();
}

}  // namespace dign::train
