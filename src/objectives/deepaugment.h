#pragma once
// DeepAugment as the paper's baseline runs it (Noise2Net, Hendrycks et al. 2021; the paper's
// code, DiGN.py and noise2net.py): in each batch the first floor(B * n2n_fraction) images are
// replaced, without gradient, by their Noise2Net perturbation (noise2net.h), then
// cross-entropy on the whole batch. No consistency term, no clamp.
//   - Kernel sizes and dilations: drawn once per epoch, from (seed, "n2n-kernels", epoch).
//   - Weights (PyTorch's default initialisation) and eps_b ~ U(n2n_eps / 2, n2n_eps): redrawn
//     every batch, from the objective's per-batch generator.
// Defaults: the paper's eps (0.1 for CIFAR, 0.2 for Tiny-ImageNet, section 4) and hidden
// planes (2); the paper gives no fraction, so 0.5, Noise2Net's own (train_noise2net.py). The
// paper's code ran --n2n-eps 0.4 --n2n-fraction 0.75 (train.py; eps in pixel units).
//
//   auto objective = make_objective(DeepAugmentOptions().n2n_eps(0.2));  // Tiny-ImageNet
#include <cmath>
#include <cstdint>
#include <memory>

#include "core/arg.h"
#include "core/error.h"
#include "objectives/method_traits.h"

namespace dign::objectives {

struct DeepAugmentOptions : MethodTraits {
  static constexpr const char* kName = "deepaugment";
  static constexpr const char* kSummary =
      "cross-entropy on a batch whose first part is perturbed by a random Noise2Net "
      "(DeepAugment)";
  /// Largest perturbation per block, [0,1] pixel units; each batch draws eps_b from
  /// U(eps/2, eps). Default: 0.1 (paper, CIFAR; 0.2 Tiny-ImageNet; the paper's code 0.4).
  DIGN_ARG(double, eps) = 0.1;
  /// Fraction of each batch perturbed, (0,1]. Default: 0.5 (Noise2Net's own; the paper
  /// states none; the paper's code 0.75).
  DIGN_ARG(double, fraction) = 0.5;
  /// Hidden planes per scale of each block. Default: 2 (paper and its code).
  DIGN_ARG(int64_t, hidden) = 2;

 public:
  template <typename Visit>
  void fields(Visit&& visit) {
    visit("n2n_eps", eps_,
          "Noise2Net strength: each batch draws eps_b ~ U(eps/2, eps), x <- x + eps_b * "
          "block(x) per block, [0,1] pixel units (paper: 0.1 CIFAR, 0.2 Tiny-ImageNet; the "
          "paper's code: 0.4)");
    visit("n2n_fraction", fraction_,
          "fraction of each batch replaced by its Noise2Net perturbation, (0,1] (Noise2Net's "
          "0.5; the paper states none; the paper's code: 0.75)");
    visit("n2n_hidden", hidden_, "Noise2Net hidden planes per scale (paper: 2)");
  }
  void validate() const {
    DIGN_CHECK_OPTION(eps() >= 0 && std::isfinite(eps()), "n2n_eps",
                      "expected a finite value >= 0, got ", eps());
    DIGN_CHECK_OPTION(fraction() > 0 && fraction() <= 1, "n2n_fraction",
                      "expected a fraction in (0,1], got ", fraction());
    DIGN_CHECK_OPTION(hidden() >= 1 && hidden() <= 1024, "n2n_hidden", "expected 1 to 1024, got ",
                      hidden());
  }
  /// One pass of the model. Noise2Net's (no gradient) is not counted: at most 624
  /// multiply-adds per pixel at hidden 2, under 2% of a width-16 ResNet-18's.
  int64_t forward_passes() const { return 1; }
};

std::unique_ptr<Objective> make_objective(const DeepAugmentOptions& options);

}  // namespace dign::objectives
