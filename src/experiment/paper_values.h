#pragma once
// The paper's published CIFAR-10 ResNet-18 values (Tsiligkaridis & Tsiligkaridis, Tables 1, 2,
// 4, 6, 7; mean over 3 runs), for side-by-side reading in `dign experiment tables --paper`.
// Percent, except SH (plain, as printed). LibTorch-free.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace dign::experiment {

/// The published value of `metric` (clean, mca_n, mca, gaussian_noise, impulse_noise,
/// shot_noise, speckle_noise, clean_rmse, clean_ece, clean_oe, clean_sh, rmse_n, ece_n, oe_n,
/// sh_n, rmse) for a method at the paper's default options; nullopt when not published.
std::optional<double> published(const std::string& paper, const std::string& method,
                                const std::string& metric);

/// Tables 6 ("t6": lambda, sigma_max, samples) and 7 ("t7": consistency kl / js) for DiGN with
/// `method_options` (config.json's method record).
std::optional<double> published_dign(const std::string& paper, const std::string& table,
                                     const nlohmann::json& method_options,
                                     const std::string& metric);

}  // namespace dign::experiment
