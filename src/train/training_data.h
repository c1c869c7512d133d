#pragma once
// The data a training run uses: its training split (after --train-limit and
// --val-split) and the set on which the best checkpoint is selected.
//
//   TrainingData data = prepare_training_data(options, machine.threads);
//   data.train;      // the images the loop trains on (loop.h)
//   data.selection;  // the test split, or the --val-split hold-out
//   double acc = selection_accuracy(*model, data.selection, 500, machine);
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/machine.h"
#include "data/dataset.h"
#include "models/classifier.h"
#include "run/train_options.h"

namespace dign::train {

struct TrainingData {
  data::Dataset dataset;
  data::ImageSet train, selection;
  std::string selection_name;  ///< "test" or "validation"
  std::vector<int64_t> train_per_class, test_per_class;
  int64_t image_size = 0;

  /// The "data" record of config.json (names, counts, content hashes).
  nlohmann::json describe() const;
};

TrainingData prepare_training_data(const run::TrainOptions& options, int threads);

/// Top-1 accuracy of `model` on `set` in evaluation mode (restores training mode).
double selection_accuracy(models::ClassifierImpl& model, const data::ImageSet& set,
                          int64_t batch_size, const Machine& machine);

/// --select-by robust: the accuracy of `model` under PGD-20 at l_inf 8/255 with a random start
/// (per image, from the run's seed) on options.select_limit evenly spaced images of `set`
/// (restores training mode).
double robust_selection_accuracy(models::ClassifierImpl& model, const data::ImageSet& set,
                                 const run::TrainOptions& options, const Machine& machine);

}  // namespace dign::train
