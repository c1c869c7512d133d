#pragma once
// Projected gradient descent on the input (Madry et al.): the inner maximisation of
// adversarial training (Eq. 2), of TRADES (Eq. 3) and the robust-accuracy evaluation.
// delta takes `steps` steps up the gradient of a per-example loss, each followed by the
// projection onto the epsilon ball and onto images in [0,1]. The model is in eval mode during
// the attack (BatchNorm's running statistics) and back in its own mode afterwards; gradients
// are taken with respect to the input only, so no parameter gradient is accumulated.
//
//   auto adversarial = attacks::pgd(model, images, attacks::cross_entropy_of(labels),
//                                   attacks::PgdSettings{}, generator);
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>

#include "models/classifier.h"

namespace dign::attacks {

enum class Norm { linf, l2 };
/// "linf" or "l2"; dign::OptionError naming `field` otherwise.
Norm norm_named(const std::string& name, const std::string& field);

/// Where delta starts.
enum class Start {
  zero,          ///< delta = 0 (the paper's code, for AT and its PGD evaluation)
  uniform,       ///< linf: U(-eps, eps) per element; l2: uniform direction, radius U(0, eps)
  small_normal,  ///< 0.001 N(0, I) (TRADES: from 0 the KL's gradient vanishes)
};

struct PgdSettings {
  double epsilon = 8.0 / 255.0;  ///< radius of the ball, [0,1] pixel units
  int64_t steps = 7;
  double step_size = 2.5 * (8.0 / 255.0) / 7.0;  ///< alpha
  Norm norm = Norm::linf;
  Start start = Start::zero;
  /// Return each image's highest-loss iterate (evaluation) rather than the last (training).
  bool keep_best = false;
};

/// The step size Madry et al. use and the paper's code copies: 2.5 epsilon / steps.
inline double default_step_size(double epsilon, int64_t steps) {
  return 2.5 * epsilon / static_cast<double>(steps);
}

/// Maps logits [N,C] to a per-example loss [N] the attack increases.
using PerExampleLoss = std::function<torch::Tensor(const torch::Tensor& logits)>;

/// Per-example cross-entropy against `labels`, in fp32.
PerExampleLoss cross_entropy_of(torch::Tensor labels);

/// x + delta, detached, in [0,1] and within epsilon of `images` (float [N,3,H,W] in [0,1]).
/// `generator` draws the random start, unless `start` gives delta's start itself (then
/// projected onto the ball and the box).
torch::Tensor pgd(models::ClassifierImpl& model, const torch::Tensor& images,
                  const PerExampleLoss& loss, const PgdSettings& settings,
                  torch::Generator& generator, const torch::Tensor& start = {});

/// A start of settings.start's kind for a batch shaped like `images`, from `generator`.
torch::Tensor draw_start(const torch::Tensor& images, const PgdSettings& settings,
                         torch::Generator& generator);

}  // namespace dign::attacks
