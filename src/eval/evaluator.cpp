#include "eval/evaluator.h"

#include <cmath>
#include <numeric>
#include <tuple>

#include "core/error.h"
#include "core/rng.h"
#include "core/torch_rng.h"
#include "data/loader.h"
#include "eval/temperature_scaling.h"
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
  DIGN_CHECK_OPTION(temperature >= 0 && std::isfinite(temperature), "temperature",
                    "expected a temperature > 0 (0 = none), got ", temperature);
}

void ConditionResult::merge(const ConditionResult& other) {
  accuracy.merge(other.accuracy);
  calibration.merge(other.calibration);
  if (!other.scaled) return;
  if (!scaled) scaled.emplace(other.scaled->num_bins());
  scaled->merge(*other.scaled);
  temperature = other.temperature;
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
  const double t = options.temperature;
  // Under sharded evaluation (distributed/sharded_eval.h) this rank predicts its rows only;
  // their per-image results are gathered back into batch order before the meters see them.
  const distributed::EvalShards* shards = options.shards.get();
  const bool sharded = shards != nullptr && shards->size > 1;
  torch::Tensor x = images;
  std::vector<int64_t> own = indices;
  if (sharded) {
    const auto rows = distributed::shard_positions(images.size(0), *shards);
    x = images.index_select(0, torch::tensor(rows, torch::kInt64));
    own.clear();
    for (int64_t r : rows) own.push_back(indices[static_cast<size_t>(r)]);
  }
  // Without a temperature, probabilities exactly as before; with one, softmax of the same fp32
  // logits, unscaled and divided by t (the only place 1/T is applied).
  auto predict = [&](const torch::Tensor& in, torch::Tensor& scaled) {
    if (t <= 0) return models::predict_probabilities(model, in.to(device), options.precision);
    const torch::InferenceMode guard;
    const torch::Tensor logits = predict_logits(model, in.to(device), options.precision);
    scaled = torch::softmax(logits / t, 1);
    return torch::softmax(logits, 1);
  };
  torch::Tensor confidence = torch::empty({0}, torch::kFloat);
  torch::Tensor predicted = torch::empty({0}, torch::kInt64);
  torch::Tensor scaled_confidence = confidence, scaled_predicted = predicted;
  if (x.size(0) > 0) {  // a rank can have no row of a batch smaller than the world
    torch::Tensor probs, scaled;
    if (options.ensemble <= 1) {
      probs = predict(x, scaled);
    } else {
      for (int64_t copy = 0; copy < options.ensemble; ++copy) {
        auto noisy = x + per_image_noise(own, shape, options.seed, purpose_tag("eval-ensemble"),
                                         options.ensemble_sigma, copy);
        torch::Tensor s;
        auto p = predict(noisy, s);
        probs = copy == 0 ? p : probs + p;
        if (t > 0) scaled = copy == 0 ? s : scaled + s;
      }
      probs = probs / static_cast<double>(options.ensemble);
      if (t > 0) scaled = scaled / static_cast<double>(options.ensemble);
    }
    std::tie(confidence, predicted) = probs.cpu().max(1);
    if (t > 0) std::tie(scaled_confidence, scaled_predicted) = scaled.cpu().max(1);
  }
  if (sharded) {
    // One row per image: confidence, class, scaled confidence, scaled class (exact in double).
    const bool has_scaled = t > 0;
    const torch::Tensor local =
        torch::stack({confidence.to(torch::kDouble), predicted.to(torch::kDouble),
                      has_scaled ? scaled_confidence.to(torch::kDouble)
                                 : torch::zeros_like(confidence, torch::kDouble),
                      has_scaled ? scaled_predicted.to(torch::kDouble)
                                 : torch::zeros_like(confidence, torch::kDouble)},
                     1);
    const torch::Tensor all = distributed::gather_rows(local, images.size(0), *shards);
    confidence = all.select(1, 0).to(torch::kFloat);
    predicted = all.select(1, 1).to(torch::kInt64);
    scaled_confidence = all.select(1, 2).to(torch::kFloat);
    scaled_predicted = all.select(1, 3).to(torch::kInt64);
  }
  if (t > 0) {
    const auto scaled_correct = scaled_predicted.eq(labels).to(torch::kUInt8).contiguous();
    scaled_confidence = scaled_confidence.contiguous();
    if (!result.scaled) result.scaled.emplace(options.bins);
    result.temperature = t;
    result.scaled->add(scaled_confidence.data_ptr<float>(), scaled_correct.data_ptr<uint8_t>(),
                       scaled_correct.size(0));
  }
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
