#pragma once
// One training criterion of the paper. An objective receives the model, not
// logits, because each method needs its own forward passes (DiGN: a clean and
// n noisy views; AugMix: three views; adversarial training: an inner attack).
//
//   auto objective = make_objective(config);           // registry.h
//   ObjectiveOutput out = objective->compute(*model, batch, generator);
//   out.loss.backward();
#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/classifier.h"
#include "models/eval_mode_guard.h"

namespace dign::objectives {

/// A training batch on the training device: the labels, the clean view, and the further views
/// the method declared (MethodTraits::views), made by the loader.
struct Batch {
  torch::Tensor images;  ///< the clean view: float [N,3,H,W] in [0,1]
  torch::Tensor labels;  ///< int64 [N]
  /// Further views by name, float [N,3,H,W] each (e.g. AugMix's "augmix_1", "augmix_2").
  std::map<std::string, torch::Tensor> views = {};
  /// The training epoch (from 0), for draws made once per epoch (DeepAugment's kernel sizes
  /// and dilations). Default: 0 (a batch outside a training loop).
  int64_t epoch = 0;
  /// The run's seed (--seed). The generator compute() receives is already derived from
  /// (seed, epoch, batch) and serves every per-batch draw; a draw that must stay fixed for a
  /// whole epoch derives its own stream, derive_seed(seed, {purpose_tag(...), epoch}), so it
  /// depends on the run's seed and the epoch only, never on the batch or the thread count.
  /// Default: 0.
  uint64_t seed = 0;
  /// "clean" is `images`; dign::Error naming a view the batch lacks.
  const torch::Tensor& view(const std::string& name) const;
};

struct ObjectiveOutput {
  torch::Tensor loss;  ///< scalar to minimise
  /// [N,C] logits whose argmax counts as the training accuracy, detached: those of the clean
  /// view where the method computes them, else of the view it trains on (GN, RSE: noisy).
  torch::Tensor train_logits;
  /// Named scalar parts of the loss ("ce", "kl", ...), detached, for logging.
  std::vector<std::pair<std::string, torch::Tensor>> terms;
};

class Objective {
 public:
  virtual ~Objective() = default;
  virtual std::string name() const = 0;
  /// `generator` drives every random draw of the objective (noise, sigma). Called in
  /// training mode; an objective that needs eval mode for a while (an inner attack with
  /// BatchNorm's running statistics) takes an EvalModeGuard.
  virtual ObjectiveOutput compute(models::ClassifierImpl& model, const Batch& batch,
                                  torch::Generator& generator) = 0;
};

/// Eval mode for an inner attack, then back (models/eval_mode_guard.h).
using models::EvalModeGuard;

}  // namespace dign::objectives
