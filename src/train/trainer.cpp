#include "train/trainer.h"

#include <fmt/format.h>
#include <torch/version.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "core/autocast.h"
#include "core/cpu_features.h"
#include "core/device.h"
#include "core/error.h"
#include "core/file_io.h"
#include "core/rng.h"
#include "core/threads.h"
#include "core/torch_rng.h"
#include "core/version.h"
#include "data/loader.h"
#include "data/sampler.h"
#include "models/inference.h"
#include "models/registry.h"
#include "train/checkpoint.h"

namespace dign::train {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct PreparedData {
  data::Dataset dataset;
  data::ImageSet train, selection;
  std::string selection_name;
  std::vector<int64_t> train_per_class, test_per_class;
};

PreparedData prepare_data(const TrainOptions& o, int threads) {
  PreparedData p;
  data::DataOptions d = o.data;
  d.threads = threads;
  p.dataset = data::load_dataset(d);
  p.train =
      o.train_limit > 0
          ? data::subset(p.dataset.train,
                         data::limit_per_class(p.dataset.train, o.train_limit, &p.train_per_class))
          : p.dataset.train;
  data::ImageSet test =
      o.test_limit > 0
          ? data::subset(p.dataset.test,
                         data::limit_per_class(p.dataset.test, o.test_limit, &p.test_per_class))
          : p.dataset.test;
  if (o.val_split > 0) {
    auto [rest, held] = data::split_validation(p.train, o.val_split);
    p.train = std::move(rest);
    p.selection = std::move(held);
    p.selection_name = "validation";
  } else {
    p.selection = std::move(test);
    p.selection_name = "test";
  }
  DIGN_CHECK(p.train.height == p.train.width || o.data.image_size > 0, "--data ", o.data.path,
             ": training images are ", p.train.height, "x", p.train.width,
             "; non-square images need --image-size");
  return p;
}

double accuracy_on(models::ClassifierImpl& model, const data::ImageSet& set, int64_t batch_size,
                   const torch::Device& device, const std::string& precision) {
  model.eval();
  std::vector<int64_t> order(static_cast<size_t>(set.size()));
  std::iota(order.begin(), order.end(), 0);
  data::BatchLoader loader(set, order, data::LoaderOptions().batch_size(batch_size), nullptr);
  int64_t correct = 0;
  while (auto batch = loader.next()) {
    auto probs = models::predict_probabilities(model, batch->images.to(device), precision);
    correct += probs.argmax(1).cpu().eq(batch->labels).sum().item<int64_t>();
  }
  model.train();
  return set.size() ? static_cast<double>(correct) / static_cast<double>(set.size()) : 0.0;
}

nlohmann::json per_class_json(const data::ImageSet& set, const std::vector<int64_t>& counts) {
  if (counts.empty()) return nullptr;
  nlohmann::json j = nlohmann::json::object();
  for (size_t c = 0; c < counts.size(); ++c) j[set.class_names[c]] = counts[c];
  return j;
}

}  // namespace

TrainSummary run_training(const TrainOptions& o, std::ostream& out) {
  o.validate();
  const fs::path dir(o.out);
  DIGN_CHECK(!fs::exists(dir / "config.json"), "--out ", o.out,
             ": already holds a run (config.json); choose a fresh directory");
  const int threads = set_threads(o.threads);
  const std::string device_name = resolve_device(o.device);
  const std::string precision = resolve_precision(o.precision, device_name);
  const torch::Device device(device_name);
  PreparedData data = prepare_data(o, threads);
  const int64_t image_size = o.data.image_size > 0 ? o.data.image_size : data.train.height;

  const auto [mean, std] = data::channel_statistics(data.train);
  models::ModelOptions model_options;
  model_options.num_classes(data.dataset.train.num_classes()).width(o.width).mean(mean).std(std);
  torch::manual_seed(derive_seed(o.seed, {purpose_tag("init")}));  // the only global-RNG use
  models::Classifier model = models::make_model(o.arch, model_options);
  model->to(device);
  auto objective = objectives::make_objective(o.method);
  torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(o.lr)
                                                       .momentum(o.momentum)
                                                       .nesterov(o.nesterov)
                                                       .weight_decay(o.weight_decay));

  fs::create_directories(dir);
  const nlohmann::json model_json = model_meta(o.arch, model_options);
  nlohmann::json config = {
      {"options", to_json(o)},
      {"resolved", {{"device", device_name}, {"precision", precision}, {"threads", threads}}},
      {"data",
       {{"name", data.dataset.name},
        {"format", data.dataset.format},
        {"classes", data.dataset.train.class_names},
        {"train_images", data.train.size()},
        {"train_hash", data::content_hash(data.train)},
        {"train_per_class", per_class_json(data.dataset.train, data.train_per_class)},
        {"test_per_class", per_class_json(data.dataset.test, data.test_per_class)},
        {"selection_set", data.selection_name},
        {"selection_images", data.selection.size()},
        {"selection_hash", data::content_hash(data.selection)},
        {"image_size", image_size}}},
      {"model", model_json},
      {"inference",
       {{"ensemble", o.method.default_ensemble()}, {"ensemble_sigma", o.method.ensemble_sigma()}}},
      {"selection_note",
       data.selection_name == "test"
           ? "best checkpoint selected on the TEST set, as the paper does; this flatters test "
             "figures. Use --val-split N for an unbiased selection."
           : "best checkpoint selected on a validation split held out of the training set"},
      {"provenance",
       {{"dign_version", version()},
        {"git_commit", git_commit()},
        {"libtorch_version", TORCH_VERSION},
        {"cpu", cpu_features().model_name}}}};
  write_file_atomic((dir / "config.json").string(), config.dump(2) + "\n");

  data::EpochSampler sampler(data.train.size(), o.seed, /*shuffle=*/true);
  const bool bar = o.progress && isatty(STDERR_FILENO);
  std::string log_text;
  TrainSummary summary;
  summary.selection_set = data.selection_name;
  double best = -1;
  int64_t images_seen = 0;
  const auto run_start = Clock::now();
  int64_t step = 0;
  model->train();
  for (int64_t epoch = 0; epoch < o.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    const double lr = learning_rate_at(o, epoch);
    for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
    data::BatchLoader loader(data.train, sampler.order(epoch),
                             data::LoaderOptions()
                                 .batch_size(o.batch_size)
                                 .image_size(image_size)
                                 .seed(o.seed)
                                 .epoch(epoch)
                                 .min_batch(2),
                             &o.augment);
    double loss_sum = 0;
    std::map<std::string, double> term_sums;
    int64_t correct = 0, seen = 0, batches = 0;
    while (auto host = loader.next()) {
      objectives::Batch batch{host->images.to(device), host->labels.to(device)};
      auto generator = make_generator(
          device, derive_seed(o.seed, {purpose_tag("objective"), static_cast<uint64_t>(epoch),
                                       static_cast<uint64_t>(batches)}));
      objectives::ObjectiveOutput result;
      {
        AutocastScope autocast(precision, device.is_cuda());
        result = objective->compute(*model, batch, generator);
      }
      const double loss = result.loss.item<double>();
      if (!std::isfinite(loss)) {
        std::string terms;
        for (const auto& [name, value] : result.terms) {
          terms += fmt::format(" {}={}", name, value.item<double>());
        }
        throw Error(
            fmt::format("training diverged: non-finite loss {} at epoch {}, step {}:{}; "
                        "the last good checkpoint is {}",
                        loss, epoch + 1, batches + 1, terms, (dir / "last.ckpt").string()));
      }
      optimizer.zero_grad();
      result.loss.backward();
      optimizer.step();
      const int64_t n = batch.labels.size(0);
      loss_sum += loss * static_cast<double>(n);
      for (const auto& [name, value] : result.terms) {
        term_sums[name] += value.item<double>() * static_cast<double>(n);
      }
      correct += result.clean_logits.argmax(1).eq(batch.labels).sum().item<int64_t>();
      seen += n;
      ++batches;
      ++step;
      if (bar) {
        std::cerr << fmt::format("\r[{}/{}] {}/{} loss {:.4f} acc {:.4f} {:.0f} img/s   ",
                                 epoch + 1, o.epochs, batches, loader.num_batches(),
                                 loss_sum / static_cast<double>(seen),
                                 static_cast<double>(correct) / static_cast<double>(seen),
                                 static_cast<double>(seen) / seconds_since(epoch_start))
                  << std::flush;
      }
    }
    const double train_seconds = seconds_since(epoch_start);
    images_seen += seen;
    const double accuracy =
        accuracy_on(*model, data.selection, o.eval_batch_size, device, precision);
    const bool improved = accuracy > best;
    if (improved) {
      best = accuracy;
      summary.best_epoch = epoch + 1;
    }
    nlohmann::json meta = model_json;
    meta["epoch"] = epoch + 1;
    meta["step"] = step;
    meta["selection_accuracy"] = accuracy;
    meta["best_accuracy"] = best;
    meta["best_epoch"] = summary.best_epoch;
    meta["inference"] = config["inference"];
    save_checkpoint((dir / "last.ckpt").string(), *model, &optimizer, meta);
    if (improved) save_checkpoint((dir / "best.ckpt").string(), *model, nullptr, meta);

    nlohmann::json line = {
        {"epoch", epoch + 1},
        {"lr", lr},
        {"train_loss", loss_sum / static_cast<double>(std::max<int64_t>(seen, 1))},
        {"train_accuracy", static_cast<double>(correct) / std::max<int64_t>(seen, 1)},
        {data.selection_name + "_accuracy", accuracy},
        {"best_accuracy", best},
        {"timing",
         {{"train_seconds", train_seconds},
          {"images_per_second", static_cast<double>(seen) / train_seconds}}}};
    for (const auto& [name, sum] : term_sums) {
      line["train_" + name] = sum / static_cast<double>(std::max<int64_t>(seen, 1));
    }
    log_text += line.dump() + "\n";
    write_file_atomic((dir / "log.jsonl").string(), log_text);
    if (o.progress) {
      if (bar) std::cerr << "\r" << std::string(78, ' ') << "\r";
      out << fmt::format(
                 "epoch {:>3}/{}  lr {:.4g}  loss {:.4f}  train acc {:.4f}  {} acc {:.4f}{}  "
                 "{:.0f} img/s\n",
                 epoch + 1, o.epochs, lr, line["train_loss"].get<double>(),
                 line["train_accuracy"].get<double>(), data.selection_name, accuracy,
                 improved ? " *" : "", static_cast<double>(seen) / train_seconds)
          << std::flush;
    }
    summary.last_accuracy = accuracy;
  }
  summary.best_accuracy = best;
  summary.epochs = o.epochs;
  summary.seconds = seconds_since(run_start);
  summary.images_per_second = static_cast<double>(images_seen) / summary.seconds;
  nlohmann::json metrics = {
      {"best", {{"accuracy", summary.best_accuracy}, {"epoch", summary.best_epoch}}},
      {"last", {{"accuracy", summary.last_accuracy}, {"epoch", summary.epochs}}},
      {"selection_set", summary.selection_set},
      {"timing",
       {{"seconds", summary.seconds}, {"train_images_per_second", summary.images_per_second}}}};
  write_file_atomic((dir / "metrics.json").string(), metrics.dump(2) + "\n");
  return summary;
}

}  // namespace dign::train
