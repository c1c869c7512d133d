#include "train/synthetic_recipe.h"

#include <algorithm>

namespace dign::train {

run::TrainOptions SyntheticRecipe::options(const std::string& method,
                                           const std::string& out) const {
  run::TrainOptions o;
  o.data.path = "synthetic";
  o.data.synthetic_train = train_images;
  o.data.synthetic_test = test_images;
  o.out = out;
  o.method = objectives::MethodConfig::named(method);
  o.model = models::ResNet18Options().width(width);
  o.epochs = epochs;
  o.lr = lr;
  o.warmup_epochs = warmup_epochs;
  o.batch_size = batch_size;
  // Crop and flip only: a 2-degree rotation (nearest-neighbour; and, less so, colour jitter)
  // disturbs the synthetic data's 2-3 px stripes, half of each label, and slows learning.
  o.augment = "crop,flip";
  // The paper's step schedule, compressed: divide by 10 after 75% of the epochs.
  o.lr_milestones = {std::max<int64_t>(1, epochs * 3 / 4)};
  o.seed = seed;
  return o;
}

}  // namespace dign::train
