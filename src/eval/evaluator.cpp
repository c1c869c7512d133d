#include "eval/evaluator.h"

#include <numeric>

#include "core/error.h"
#include "core/rng.h"
#include "core/torch_rng.h"
#include "data/loader.h"
#include "models/inference.h"

namespace dign::eval {

void EvalOptions::validate() const {
  DIGN_CHECK_OPTION(batch_size >= 1, "batch_size", "expected at least 1, got ", batch_size);
  for (double s : noise_sigmas) {
    DIGN_CHECK_OPTION(s > 0 && std::isfinite(s), "noise_sigmas", "expected positive levels, got ",
                      s);
  }
  DIGN_CHECK_OPTION(ensemble >= 1, "ensemble", "expected at least 1 copy, got ", ensemble);
  DIGN_CHECK_OPTION(ensemble_sigma >= 0, "ensemble_sigma", "expected a value >= 0, got ",
                    ensemble_sigma);
  DIGN_CHECK_OPTION(bins >= 1, "bins", "expected at least 1 bin, got ", bins);
  DIGN_CHECK_OPTION(bootstrap >= 0, "bootstrap", "expected a number of resamples >= 1, got ",
                    bootstrap);
}

namespace {

// Per-image Gaussian noise [B,3,H,W]: image i's draw depends on (seed, purpose, level, copy, i)
// only.
torch::Tensor per_image_noise(const std::vector<int64_t>& indices, at::IntArrayRef image_shape,
                              uint64_t seed, uint64_t purpose, double sigma, int64_t copy) {
  uint64_t level_bits;
  std::memcpy(&level_bits, &sigma, sizeof(level_bits));
  std::vector<int64_t> shape = {1};
  shape.insert(shape.end(), image_shape.begin(), image_shape.end());
  return per_image_draws(indices, seed, {purpose, level_bits, static_cast<uint64_t>(copy)},
                         [&](torch::Generator& gen) { return at::normal(0.0, sigma, shape, gen); });
}

}  // namespace

void score_batch(models::ClassifierImpl& model, const torch::Tensor& images,
                 const torch::Tensor& labels, const std::vector<int64_t>& indices,
                 const torch::Device& device, const EvalOptions& options, ConditionResult& result,
                 PredictionRecords* records) {
  const auto shape = images.sizes().slice(1);
  torch::Tensor probs;
  if (options.ensemble <= 1) {
    probs = models::predict_probabilities(model, images.to(device), options.precision);
  } else {
    for (int64_t copy = 0; copy < options.ensemble; ++copy) {
      auto noisy =
          images + per_image_noise(indices, shape, options.seed, purpose_tag("eval-ensemble"),
                                   options.ensemble_sigma, copy);
      auto p = models::predict_probabilities(model, noisy.to(device), options.precision);
      probs = copy == 0 ? p : probs + p;
    }
    probs = probs / static_cast<double>(options.ensemble);
  }
  auto [confidence, predicted] = probs.cpu().max(1);
  auto correct = predicted.eq(labels).to(torch::kUInt8).contiguous();
  confidence = confidence.contiguous();
  const int64_t n = correct.size(0);
  result.calibration.add(confidence.data_ptr<float>(), correct.data_ptr<uint8_t>(), n);
  result.accuracy.add(correct.sum().item<int64_t>(), n);
  if (records == nullptr) return;
  const auto predicted_int = predicted.to(torch::kInt32).contiguous();
  const auto labels_int = labels.to(torch::kInt32).contiguous();
  for (int64_t i = 0; i < n; ++i) {
    const auto at = static_cast<size_t>(indices[static_cast<size_t>(i)]);
    records->confidence[at] = confidence.data_ptr<float>()[i];
    records->correct[at] = correct.data_ptr<uint8_t>()[i];
    records->predicted[at] = predicted_int.data_ptr<int32_t>()[i];
    records->label[at] = labels_int.data_ptr<int32_t>()[i];
  }
}

ConditionResult evaluate_condition(models::ClassifierImpl& model, const data::ImageSet& images,
                                   const torch::Device& device, const EvalOptions& options,
                                   double sigma) {
  options.validate();
  model.eval();
  ConditionResult result(options.bins);
  result.name = sigma > 0 ? "gaussian_noise" : "clean";
  result.sigma = sigma;
  if (options.keep_predictions()) result.records.resize(images.size());
  std::vector<int64_t> order(static_cast<size_t>(images.size()));
  std::iota(order.begin(), order.end(), 0);
  data::BatchLoader loader(images, order, data::LoaderOptions().batch_size(options.batch_size),
                           nullptr);
  while (auto batch = loader.next()) {
    torch::Tensor x = batch->images;
    const auto shape = x.sizes().slice(1);
    if (sigma > 0) {
      // Like CIFAR-10-C's gaussian_noise: add, then clip to the valid pixel range.
      x = (x + per_image_noise(batch->indices, shape, options.seed, purpose_tag("eval-noise"),
                               sigma, 0))
              .clamp(0.0, 1.0);
    }
    score_batch(model, x, batch->labels, batch->indices, device, options, result,
                options.keep_predictions() ? &result.records : nullptr);
  }
  return result;
}

}  // namespace dign::eval
