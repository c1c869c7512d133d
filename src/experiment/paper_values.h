#pragma once
// The paper's published values (Tsiligkaridis & Tsiligkaridis; mean over 3 runs), for
// side-by-side reading in `dign experiment tables --paper`: ResNet-18 on CIFAR-10, CIFAR-100
// and Tiny-ImageNet (Tables 1, 2, 4, 5; 6 for CIFAR-10/100), DenseNet-121 and Wide-ResNet-18 on
// CIFAR-10 and CIFAR-100 (Table 3; 7 with ResNet-18), ResNet-50 on ImageNette (Table 8).
// Percent, except SH (plain, as printed). LibTorch-free.
//
//   published("cifar100", "resnet18", "dign", "mca_n");     // 68.4 (Table 1)
//   published("cifar10", "densenet121", "augmix", "rmse_n"); // 6.6 (Table 3)
//   published("tiny-imagenet", "resnet18", "dign", "ece_n"); // nullopt: Tables 2, 5 have none
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dign::experiment {

/// The datasets the paper publishes values for, as the grid's `paper` field and the presets name
/// them: cifar10, cifar100, tiny-imagenet, imagenette.
const std::vector<std::string>& published_datasets();

/// The published value of `metric` (clean, mca_n, mca, gaussian_noise, impulse_noise,
/// shot_noise, speckle_noise, clean_rmse, clean_ece, clean_oe, clean_sh, rmse_n, ece_n, oe_n,
/// sh_n, rmse) for a method on the architecture `arch` (resnet18: Tables 1, 2, 4, 5;
/// densenet121, wrn18: Table 3; resnet50: Table 8) at the paper's options for the dataset
/// `paper`; nullopt when not published.
std::optional<double> published(const std::string& paper, const std::string& arch,
                                const std::string& method, const std::string& metric);

/// Tables 6 ("t6": lambda, sigma_max, samples; ResNet-18, CIFAR-10 and CIFAR-100) and 7 ("t7":
/// consistency kl / js at the dataset's preset setting; ResNet-18 and Wide-ResNet-18, CIFAR-10
/// and CIFAR-100) for DiGN with `method_options` (config.json's method record): clean, mca_n and
/// mca (t6); clean, mca_n, the four noises, clean_rmse and rmse_n (t7). nullopt otherwise, and
/// for masked noise.
std::optional<double> published_dign(const std::string& paper, const std::string& arch,
                                     const std::string& table, const nlohmann::json& method_options,
                                     const std::string& metric);

}  // namespace dign::experiment
