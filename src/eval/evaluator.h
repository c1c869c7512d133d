#pragma once
// Clean and noisy evaluation of a trained classifier: accuracy with its
// binomial standard error and the paper's calibration metrics, streamed batch
// by batch (memory does not grow with the number of images). Every noise draw
// is a function of (seed, condition, image index): results do not depend on
// batch size or thread count. RSE-style test-time ensembling averages the
// softmax probabilities of `ensemble` noisy copies (Eq. 4's predictor).
//
//   EvalOptions options;                       // batch 500, 16 bins, fp32
//   ConditionResult clean = evaluate_condition(*model, test, torch::kCPU, options, 0.0);
//   clean.accuracy.value();  clean.accuracy.standard_error();  clean.calibration.value().rmse;
//   ConditionResult noisy = evaluate_condition(*model, test, torch::kCPU, options, /*sigma=*/0.1);
#include <torch/torch.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/machine.h"
#include "data/image_set.h"
#include "distributed/sharded_eval.h"
#include "eval/predictions.h"
#include "metrics/accuracy.h"
#include "metrics/calibration.h"
#include "models/classifier.h"

namespace dign::eval {

struct EvalOptions {
  /// Images per forward pass. Default: 500.
  int64_t batch_size = 500;
  /// Additive Gaussian noise levels (pixel units in [0,1], result clipped to [0,1]).
  std::vector<double> noise_sigmas = {0.05, 0.1, 0.2, 0.3};
  /// Test-time ensemble: copies averaged (1 = none) and their noise level.
  int64_t ensemble = 1;
  double ensemble_sigma = 0.0;
  /// Calibration bins of width 1/bins. Default: 16 (the paper's reference code).
  int64_t bins = 16;
  uint64_t seed = 0;
  Precision precision = Precision::kFp32;
  /// Bootstrap resamples for the 95% intervals (bootstrap_eval.h); 0 = none.
  int64_t bootstrap = 0;
  /// Directory for per-image predictions (predictions.h); empty = none.
  std::string predictions_dir;
  /// Threads of the bootstrap. Default: 1.
  int threads = 1;
  /// Temperature of `dign calibrate` (temperature_scaling.h): when > 0 every condition also
  /// scores softmax(logits / temperature) into ConditionResult::scaled. Default: 0 (none).
  double temperature = 0.0;
  /// Ranks the images are split over (distributed/sharded_eval.h); null = one process. Every
  /// rank gets every image's result, so the meters and records equal one process's.
  std::shared_ptr<const distributed::EvalShards> shards;
  bool keep_predictions() const { return bootstrap > 0 || !predictions_dir.empty(); }
  void validate() const;
};

struct ConditionResult {
  std::string name;    ///< "clean" or "gaussian_noise"
  double sigma = 0.0;  ///< 0 for clean
  metrics::AccuracyMeter accuracy;
  metrics::CalibrationMeter calibration;
  /// Per-image predictions, kept when options.keep_predictions() (empty otherwise).
  PredictionRecords records;
  /// Calibration of the temperature-scaled predictions (options.temperature > 0; else empty).
  std::optional<metrics::CalibrationMeter> scaled;
  double temperature = 0.0;
  explicit ConditionResult(int64_t bins) : calibration(bins) {}
  /// Adds other's counts (accuracy, calibration, scaled calibration); not its records.
  void merge(const ConditionResult& other);
};

/// Scores one batch into `result`: images float [B,3,H,W] in [0,1] on the CPU, labels
/// int64 [B], indices the images' positions in their set (they seed the ensemble's noise).
/// The model must be in eval mode. `records`, when given, gets each image's prediction at its
/// index.
void score_batch(models::ClassifierImpl& model, const torch::Tensor& images,
                 const torch::Tensor& labels, const std::vector<int64_t>& indices,
                 const torch::Device& device, const EvalOptions& options, ConditionResult& result,
                 PredictionRecords* records = nullptr);

/// Evaluates `model` (switched to eval mode) on `images` under one condition
/// (sigma 0 = clean). `device` is where the model lives.
ConditionResult evaluate_condition(models::ClassifierImpl& model, const data::ImageSet& images,
                                   const torch::Device& device, const EvalOptions& options,
                                   double sigma);

}  // namespace dign::eval
