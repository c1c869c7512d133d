#pragma once
// One training criterion of the paper. An objective receives the model, not
// logits, because each method needs its own forward passes (DiGN: a clean and
// n noisy views; AugMix: three views; adversarial training: an inner attack).
//
//   ObjectiveOutput out = objective.compute(*model, batch, generator);
//   out.loss.backward();
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

#include "models/classifier.h"

namespace dign::objectives {

struct Batch {
  torch::Tensor images;  ///< float [N,3,H,W] in [0,1], on the training device
  torch::Tensor labels;  ///< int64 [N]
};

struct ObjectiveOutput {
  torch::Tensor loss;          ///< scalar to minimise
  torch::Tensor clean_logits;  ///< [N,C] logits on the unperturbed batch (for training accuracy)
  /// Named scalar parts of the loss ("ce", "kl", ...), detached, for logging.
  std::vector<std::pair<std::string, torch::Tensor>> terms;
};

class Objective {
 public:
  virtual ~Objective() = default;
  virtual std::string name() const = 0;
  /// `generator` drives every random draw of the objective (noise, sigma).
  virtual ObjectiveOutput compute(models::ClassifierImpl& model, const Batch& batch,
                                  torch::Generator& generator) = 0;
};

}  // namespace dign::objectives
