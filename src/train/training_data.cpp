#include "train/training_data.h"

#include <numeric>

#include "attacks/robust_accuracy.h"
#include "core/error.h"
#include "data/loader.h"
#include "data/sampler.h"
#include "models/inference.h"

namespace dign::train {

TrainingData prepare_training_data(const run::TrainOptions& o, int threads) {
  TrainingData p;
  data::DataOptions d = o.data;
  d.threads = threads;
  p.dataset = data::load_dataset(d);
  p.train = data::limit_images(p.dataset.train, o.train_limit, &p.train_per_class);
  data::ImageSet test = data::limit_images(p.dataset.test, o.test_limit, &p.test_per_class);
  if (o.val_split > 0) {
    auto [rest, held] = data::split_validation(p.train, o.val_split);
    p.train = std::move(rest);
    p.selection = std::move(held);
    p.selection_name = "validation";
  } else {
    p.selection = std::move(test);
    p.selection_name = "test";
  }
  DIGN_CHECK_OPTION(p.train.height == p.train.width || o.data.image_size > 0, "data", o.data.path,
                    ": training images are ", p.train.height, "x", p.train.width,
                    "; non-square images need --image-size");
  p.image_size = o.data.image_size > 0 ? o.data.image_size : p.train.height;
  return p;
}

nlohmann::json TrainingData::describe() const {
  return {{"name", dataset.name},
          {"format", dataset.format},
          {"classes", dataset.train.class_names},
          {"train_images", train.size()},
          {"train_hash", data::content_hash(train)},
          {"train_per_class", data::per_class_json(dataset.train, train_per_class)},
          {"test_per_class", data::per_class_json(dataset.test, test_per_class)},
          {"selection_set", selection_name},
          {"selection_images", selection.size()},
          {"selection_hash", data::content_hash(selection)},
          {"image_size", image_size}};
}

double selection_accuracy(models::ClassifierImpl& model, const data::ImageSet& set,
                          int64_t batch_size, const Machine& machine) {
  model.eval();
  std::vector<int64_t> order(static_cast<size_t>(set.size()));
  std::iota(order.begin(), order.end(), 0);
  data::BatchLoader loader(set, order, data::LoaderOptions().batch_size(batch_size), nullptr);
  int64_t correct = 0;
  while (auto batch = loader.next()) {
    auto probs =
        models::predict_probabilities(model, batch->images.to(machine.device), machine.precision);
    correct += probs.argmax(1).cpu().eq(batch->labels).sum().item<int64_t>();
  }
  model.train();
  return set.size() ? static_cast<double>(correct) / static_cast<double>(set.size()) : 0.0;
}

double robust_selection_accuracy(models::ClassifierImpl& model, const data::ImageSet& set,
                                 const run::TrainOptions& options, const Machine& machine) {
  attacks::PgdSettings pgd20;
  pgd20.steps = 20;
  pgd20.step_size = attacks::default_step_size(pgd20.epsilon, pgd20.steps);
  pgd20.start = attacks::Start::uniform;
  pgd20.keep_best = true;
  const auto meter = attacks::robust_accuracy(
      model, set, data::evenly_spaced(set.size(), options.select_limit), pgd20,
      attacks::RobustAccuracyOptions()
          .seed(options.seed)
          .purpose("select-pgd-start")
          .batch_size(options.eval_batch_size)
          .device(machine.device)
          .precision(machine.precision));
  model.train();
  return meter.value();
}

}  // namespace dign::train
