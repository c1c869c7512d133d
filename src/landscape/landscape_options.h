#pragma once
// Options of `dign landscape`: the random-perturbation landscape of section 3.2 (Figure 2) and
// the section 3.1 checks (Eq. 8-10, Proposition 1). LibTorch-free.
//
//   LandscapeOptions o;
//   o.radii = {0, 2, 4, 8};
//   o.validate();  // OptionError naming the field ("radii", "eta", ...) and the range expected
#include <cstdint>
#include <string>
#include <vector>

namespace dign::landscape {

/// l2 radii 0, 1, ..., 20 in [0,1] pixel units. On the CIFAR-10 CPU recipe (32x32x3, so a
/// radius eps is a per-pixel standard deviation of about eps / 55) the standard model reaches
/// chance before 20 (docs/landscape.md).
std::vector<double> default_radii();

struct LandscapeOptions {
  /// l2 radii epsilon of delta = eps * u / ||u||_2, [0,1] pixel units, increasing, >= 0.
  /// Default: default_radii().
  std::vector<double> radii = default_radii();
  /// Random directions u per image (every radius uses the same directions). Default: 1.
  int64_t directions = 1;
  /// Step of the centred gradient differences, per pixel (||eta z||_2 is about eta * sqrt(d)).
  /// Default: 1e-3 (a quarter of one 8-bit level; docs/landscape.md measures the choice).
  double eta = 1e-3;
  /// Probes z ~ N(0, I) per image for Tr(H^T H) and the Hutchinson traces. Default: 8.
  int64_t curvature_samples = 8;
  /// Draws delta ~ N(0, sigma^2 I) per image and level for the Eq. 8 and Eq. 9 checks.
  /// Default: 8.
  int64_t kl_samples = 8;
  /// Noise levels sigma (per pixel, [0,1] units) of the Eq. 8 check, and the sigma_max of the
  /// Eq. 9 check. Default: 0.001, 0.003, 0.01, 0.03, 0.1, 0.2 (0.2: DiGN's sigma_max).
  std::vector<double> sigmas = {0.001, 0.003, 0.01, 0.03, 0.1, 0.2};
  /// Seeds every draw: directions, probes, noise; image i's draws depend on (seed, purpose,
  /// counter, i) only. Default: 0.
  uint64_t seed = 0;
  /// Images per batch (also the BatchNorm batch of the train-mode check). Default: 50.
  int64_t batch_size = 50;
  /// Also check Proposition 1 with the model in train mode (BatchNorm on batch statistics).
  /// Default: true.
  bool train_mode_check = true;

  /// dign::OptionError naming the field and the range expected.
  void validate() const;
};

}  // namespace dign::landscape
