#include "attacks/robust_accuracy.h"

#include "core/autocast.h"
#include "core/rng.h"
#include "core/torch_rng.h"
#include "data/dataset.h"
#include "data/loader.h"

namespace dign::attacks {
namespace {

// Image i's start depends on (seed, purpose, restart, i) only.
torch::Tensor per_image_starts(const torch::Tensor& images, const std::vector<int64_t>& indices,
                               const PgdSettings& s, const RobustAccuracyOptions& o,
                               int64_t restart) {
  int64_t k = 0;
  return per_image_draws(indices, o.seed(),
                         {purpose_tag(o.purpose()), static_cast<uint64_t>(restart)},
                         [&](torch::Generator& gen) {
                           return draw_start(images[k++].unsqueeze(0).cpu(), s, gen);
                         })
      .to(images.device());
}

}  // namespace

metrics::AccuracyMeter robust_accuracy(models::ClassifierImpl& model, const data::ImageSet& set,
                                       const std::vector<int64_t>& indices,
                                       const PgdSettings& settings,
                                       const RobustAccuracyOptions& options) {
  const bool random = settings.start != Start::zero;
  const int64_t restarts = random ? options.restarts() : 1;
  const auto chosen = data::subset(set, indices);
  std::vector<int64_t> order(static_cast<size_t>(chosen.size()));
  for (size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int64_t>(k);
  data::BatchLoader loader(chosen, order, data::LoaderOptions().batch_size(options.batch_size()),
                           nullptr);
  model.eval();
  metrics::AccuracyMeter accuracy;
  auto unused = make_generator(torch::kCPU, 0);  // starts are drawn per image
  while (auto batch = loader.next()) {
    const auto x = batch->images.to(options.device());
    const auto y = batch->labels.to(options.device());
    std::vector<int64_t> positions;  // in `set`
    for (int64_t k : batch->indices) positions.push_back(indices[static_cast<size_t>(k)]);
    auto robust = torch::ones({x.size(0)}, torch::kBool).to(options.device());
    for (int64_t r = 0; r < restarts; ++r) {
      const auto start =
          random ? per_image_starts(x, positions, settings, options, r) : torch::Tensor();
      torch::Tensor adversarial;
      {
        AutocastScope autocast(options.precision(), options.device());
        adversarial = pgd(model, x, cross_entropy_of(y), settings, unused, start);
      }
      torch::NoGradGuard no_grad;
      AutocastScope autocast(options.precision(), options.device());
      robust = robust & model.forward(adversarial).argmax(1).eq(y);
    }
    accuracy.add(robust.sum().item<int64_t>(), x.size(0));
    if (options.on_batch()) options.on_batch()(accuracy.total());
  }
  return accuracy;
}

}  // namespace dign::attacks
