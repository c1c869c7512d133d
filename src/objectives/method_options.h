#pragma once
// The options of every training method, and the record that selects one: the
// part of the objectives that config.json stores. LibTorch-free, so the
// config.json parser builds into the fuzz targets; the objectives themselves
// (registry.h) need LibTorch.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/arg.h"

namespace dign::objectives {

/// DiGN (Eq. 6, Algorithm 1); see dign.h.
struct DignOptions {
  /// Weight of the consistency term. Default: 0.2 (paper, CIFAR-10; 0.3 for CIFAR-100).
  DIGN_ARG(double, lambda) = 0.2;
  /// Upper end of the uniform noise-level range, [0,1] pixel units.
  /// Default: 0.2 (paper, CIFAR; 0.6 for Tiny-ImageNet).
  DIGN_ARG(double, sigma_max) = 0.2;
  /// Noisy views n per example. Default: 3 (paper).
  DIGN_ARG(int64_t, samples) = 3;
  /// Run the clean and the n noisy views as one batch of (n+1)N images instead of n+1
  /// forward passes. Fewer, larger operations; but BatchNorm then normalizes with the
  /// statistics of all views together, a different computation from the paper's code
  /// (one forward per view). Default: false (the paper's).
  DIGN_ARG(bool, concat_views) = false;

 public:
  /// Throws dign::Error naming the option for values out of range.
  void validate() const;
};

/// GN, DiGN without consistency regularization (Eq. 12); see gaussian_noise.h.
struct GaussianNoiseOptions {
  /// Upper end of the noise-level range, [0,1] pixel units. Default: 0.2 (as DiGN).
  DIGN_ARG(double, sigma_max) = 0.2;

 public:
  void validate() const;
};

/// RSE, noise at the input layer plus a test-time ensemble (Eq. 4); see rse.h.
struct RseOptions {
  /// Fixed noise level, [0,1] pixel units. Default: 0.1 (paper, CIFAR; 0.3 Tiny-ImageNet).
  DIGN_ARG(double, sigma) = 0.1;
  /// Noisy copies averaged at test time. Default: 10 (paper).
  DIGN_ARG(int64_t, ensemble) = 10;

 public:
  void validate() const;
};

/// Everything that selects and configures a training objective.
struct MethodConfig {
  std::string method = "dign";  ///< standard | dign | gn | rse. Default: dign.
  DignOptions dign;
  GaussianNoiseOptions gn;
  RseOptions rse;
  /// Throws dign::Error naming the option when the method is unknown or its options are invalid.
  void validate() const;
  /// Test-time ensemble size the method implies (RSE: its `ensemble`; others: 1).
  int64_t default_ensemble() const;
  /// Noise level of the test-time ensemble (RSE: its sigma; others: 0).
  double ensemble_sigma() const;
};

struct MethodEntry {
  std::string name;
  std::string description;
};
/// Every method make_objective (registry.h) can build.
const std::vector<MethodEntry>& method_catalog();

/// Only the options of the chosen method are written.
nlohmann::json to_json(const MethodConfig& config);
/// Validates; dign::Error naming `source` (or nlohmann's exception for a wrong type,
/// which the caller names the file for) on a malformed record.
MethodConfig method_config_from_json(const nlohmann::json& j,
                                     const std::string& source = "config.json");

}  // namespace dign::objectives
