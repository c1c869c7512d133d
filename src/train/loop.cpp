#include "train/loop.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <chrono>
#include <cmath>

#include "augment/pipeline.h"
#include "core/fault.h"
#include "core/memory.h"
#include "core/rng.h"
#include "core/stop_signal.h"
#include "core/torch_rng.h"
#include "data/sampler.h"
#include "train/schedule.h"
#include "train/step.h"

namespace dign::train {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Never 0, which marks "unknown" (checkpoints of dign 0.1).
uint64_t order_hash(const std::vector<int64_t>& order) {
  return XXH3_64bits(order.data(), order.size() * sizeof(int64_t)) | 1u;
}

}  // namespace

TrainingLoop::TrainingLoop(const run::TrainOptions& options, const Machine& machine,
                           const TrainingData& data, models::ClassifierImpl& model,
                           objectives::Objective& objective, torch::optim::Optimizer& optimizer,
                           Progress& progress)
    : o_(options),
      machine_(machine),
      data_(data),
      model_(model),
      objective_(objective),
      optimizer_(optimizer),
      progress_(progress),
      selection_key_(data.selection_name + "_accuracy") {
  selection_ = [this](models::ClassifierImpl& m) {
    return selection_accuracy(m, data_.selection, o_.eval_batch_size, machine_);
  };
  if (o_.select_by == "robust") {
    selection_key_ = data.selection_name + "_robust_accuracy";
    selection_ = [this](models::ClassifierImpl& m) {
      return robust_selection_accuracy(m, data_.selection, o_, machine_);
    };
  }
}

void TrainingLoop::set_selection_metric(std::string log_key,
                                        std::function<double(models::ClassifierImpl&)> metric) {
  selection_key_ = std::move(log_key);
  selection_ = std::move(metric);
}

void TrainingLoop::set_shard(int rank, int world) {
  DIGN_CHECK(world >= 1 && rank >= 0 && rank < world, "rank ", rank, " of ", world);
  DIGN_CHECK_OPTION(o_.batch_size % world == 0, "batch_size", o_.batch_size,
                    " is the global batch and must be divisible by WORLD_SIZE=", world);
  rank_ = rank;
  world_ = world;
}

StepResult TrainingLoop::step(const data::HostBatch& host, int64_t num_batches,
                              run::TrainState& state, TrainerHooks& hooks) {
  objectives::Batch batch{host.images.to(machine_.device), host.labels.to(machine_.device)};
  for (const auto& [name, view] : host.views) batch.views[name] = view.to(machine_.device);
  batch.epoch = state.epoch;
  batch.seed = o_.seed;
  // One stream per step; under data parallelism one per (step, rank), so that ranks draw
  // independent noise for their shards (these draws depend on the number of ranks).
  const uint64_t seed =
      world_ == 1
          ? derive_seed(o_.seed, {purpose_tag("objective"), static_cast<uint64_t>(state.epoch),
                                  static_cast<uint64_t>(state.batch)})
          : derive_seed(o_.seed,
                        {purpose_tag("objective-rank"), static_cast<uint64_t>(state.epoch),
                         static_cast<uint64_t>(state.batch), static_cast<uint64_t>(rank_)});
  auto generator = make_generator(machine_.device, seed);
  const StepResult r = training_step(model_, objective_, optimizer_, batch, generator,
                                     machine_.precision, hooks, fault_fires("nan-loss"));
  const int64_t n = batch.labels.size(0);
  if (r.finite) {
    // This process's totals, summed over data-parallel ranks by the hooks.
    std::vector<double> local{
        r.loss * static_cast<double>(n),
        static_cast<double>(r.output.train_logits.argmax(1).eq(batch.labels).sum().item<int64_t>()),
        static_cast<double>(n)};
    for (const auto& term : r.output.terms) {
      local.push_back(term.second.item<double>() * static_cast<double>(n));
    }
    auto totals = torch::tensor(local, torch::kFloat64);
    hooks.sum_step_totals(totals);
    const double* t = totals.data_ptr<double>();
    state.sums.loss += t[0];
    state.sums.correct += static_cast<int64_t>(std::llround(t[1]));
    state.sums.seen += static_cast<int64_t>(std::llround(t[2]));
    for (size_t k = 0; k < r.output.terms.size(); ++k) {
      state.sums.terms[r.output.terms[k].first] += t[3 + k];
    }
  } else if (o_.on_nonfinite == "skip") {
    optimizer_.zero_grad();
    ++state.sums.skipped_steps;
  } else {
    std::string terms;
    for (const auto& [name, value] : r.output.terms) {
      terms += fmt::format(" {}={}", name, value.item<double>());
    }
    throw Diverged(
        fmt::format("training diverged: non-finite {} (loss={}{}) at epoch {}, batch "
                    "{} of {}",
                    std::isfinite(r.loss) ? "gradient" : "loss", r.loss, terms, state.epoch + 1,
                    state.batch + 1, num_batches));
  }
  ++state.batch;
  ++state.step;
  return r;
}

void TrainingLoop::end_epoch(double lr, run::TrainState& state, TrainerHooks& hooks) {
  hooks.before_evaluation(model_);
  const double metric = selection_(model_);
  model_.train();  // whatever mode the metric left the model in
  // best_epoch 0: no best yet, so any first value counts, negative metrics included.
  const bool improved = state.best_epoch == 0 || metric > state.best_accuracy;
  if (improved) {
    state.best_accuracy = metric;
    state.best_epoch = state.epoch + 1;
  }
  const auto& sums = state.sums;
  const double seen = static_cast<double>(std::max<int64_t>(sums.seen, 1));
  nlohmann::json line = {{"epoch", state.epoch + 1},
                         {"lr", lr},
                         {"train_loss", sums.loss / seen},
                         {"train_accuracy", static_cast<double>(sums.correct) / seen},
                         {selection_key_, metric},
                         {"best_accuracy", state.best_accuracy},
                         {"skipped_steps", sums.skipped_steps},
                         {"timing",
                          {{"train_seconds", sums.seconds},
                           {"images_per_second", static_cast<double>(sums.seen) / sums.seconds},
                           {"peak_resident_mib", peak_resident_mib()}}}};
  for (const auto& [name, sum] : sums.terms) line["train_" + name] = sum / seen;
  state.log.push_back(line);
  state.images_seen += sums.seen;
  ++state.epoch;
  state.batch = 0;
  state.order_hash = 0;
  state.sums = run::EpochSums{};
  hooks.end_of_epoch(state, EpochInfo{lr, metric, improved});
}

int TrainingLoop::run(run::TrainState& state, TrainerHooks& hooks) {
  const data::EpochSampler sampler(data_.train.size(), o_.seed, /*shuffle=*/true, rank_, world_);
  // The checkpoint records the whole epoch's order, whatever the number of ranks.
  const data::EpochSampler whole(data_.train.size(), o_.seed, /*shuffle=*/true);
  const data::TrainingViews views{
      std::make_shared<augment::Compose>(augment::training_transforms(
          o_.augment, data_.train.height, data_.train.width, data_.image_size, "augment")),
      o_.method.views()};
  const int64_t loader_threads = o_.loader_threads > 0 ? o_.loader_threads : machine_.threads;
  const auto start = Clock::now();
  const double seconds_before = state.seconds;
  model_.train();
  while (state.epoch < o_.epochs) {
    double lr = learning_rate_at(o_, state.epoch);  // from the position: nothing to restore
    const auto order = sampler.order(state.epoch);
    const uint64_t hash = order_hash(world_ == 1 ? order : whole.order(state.epoch));
    DIGN_CHECK(state.batch == 0 || state.order_hash == 0 || state.order_hash == hash, o_.out,
               ": the data order of epoch ", state.epoch + 1,
               " differs from the checkpoint's (another dign version?); the run cannot continue "
               "exactly from mid-epoch");
    state.order_hash = hash;
    data::BatchLoader loader(data_.train, order,
                             data::LoaderOptions()
                                 .batch_size(o_.batch_size / world_)
                                 .image_size(data_.image_size)
                                 .seed(o_.seed)
                                 .epoch(state.epoch)
                                 .min_batch(2)
                                 .workers(loader_threads),
                             &views);
    if (state.batch > 0) loader.skip(state.batch);  // resuming mid-epoch
    const auto epoch_start = Clock::now();
    const double epoch_seconds_before = state.sums.seconds;
    auto update_clocks = [&] {
      state.sums.seconds = epoch_seconds_before + seconds_since(epoch_start);
      state.seconds = seconds_before + seconds_since(start);
    };
    while (true) {
      if (const int sig = hooks.agree_stop(stop_requested())) {
        update_clocks();
        return sig;
      }
      const auto host = loader.next();
      if (!host) break;
      lr = learning_rate_at(o_, state.epoch, state.batch, loader.num_batches());
      for (auto& group : optimizer_.param_groups()) group.options().set_lr(lr);
      const StepResult r = step(*host, loader.num_batches(), state, hooks);
      update_clocks();
      hooks.end_of_step(state, StepInfo{loader.num_batches(), r.finite, &r.output});
      const auto& sums = state.sums;
      const double seen = static_cast<double>(std::max<int64_t>(sums.seen, 1));
      progress_.status(fmt::format("[{}/{}] {}/{} loss {:.4f} acc {:.4f} {:.0f} img/s",
                                   state.epoch + 1, o_.epochs, state.batch, loader.num_batches(),
                                   sums.loss / seen, static_cast<double>(sums.correct) / seen,
                                   seen / sums.seconds));
    }
    update_clocks();
    end_epoch(lr, state, hooks);
  }
  state.seconds = seconds_before + seconds_since(start);
  return 0;
}

}  // namespace dign::train
