#pragma once
// One model's random-perturbation landscape (section 3.2, Figure 2) and its section 3.1
// checks, measured over a set of images with the estimators of estimators.h.
//
//   LandscapeOptions o;                              // the paper's quantities, seeded
//   ModelLandscape m = measure_landscape(*model, images, positions, o, device, progress);
//   nlohmann::json j = landscape_json(m, o);         // radii rows, Eq. 8/9, Proposition 1
//
// Per image and direction u ~ N(0, I) (seeded by the image's position in the test split),
// delta = eps u / ||u||_2 for every radius eps; x + delta is not clipped to [0,1] (the paper's
// perturbation; the Taylor terms describe the unclipped loss). The first- and second-order
// terms are the Taylor terms of Theorem 1 at the clean image: eps ||grad_x L|| and
// (1/2) eps^2 Tr(H^T H), so per model a line and a parabola whose coefficients the JSON holds.
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/progress.h"
#include "data/image_set.h"
#include "distributed/sharded_eval.h"
#include "landscape/landscape_options.h"
#include "landscape/mean.h"
#include "models/classifier.h"

namespace dign::landscape {

/// One radius: per image, averaged over the directions.
struct RadiusStats {
  Mean loss_difference;  ///< |L(x + delta, y) - L(x, y)|, nats
  Mean accuracy;         ///< x + delta classified correctly, fraction
};

/// E_delta KL(p(x) || p(x + delta)) against its quadratic prediction, one noise level.
struct KlStats {
  double sigma = 0;  ///< sigma (Eq. 8) or sigma_max (Eq. 9)
  Mean kl;           ///< Monte-Carlo mean of the KL, per image
  Mean predicted;    ///< (sigma^2 / 2) Tr G (Eq. 8) or (sigma_max^2 / 6) Tr G (Eq. 9)
  Mean paired;       ///< (1/2) delta^T G delta for the same draws: the Taylor term alone
};

/// Proposition 1 (H = G) on one mode of the model.
struct PropositionStats {
  int64_t images = 0;
  Mean fisher_trace;      ///< Tr G: exact (Eq. 10) in eval mode, Hutchinson in train mode
  Mean hessian_trace;     ///< Tr H by Hutchinson: mean z^T H z, exact Hessian-vector products
  Mean fisher_quadratic;  ///< mean z^T G z for the same probes
  /// sum |z^T H z - z^T G z| and sum z^T G z over (image, probe) in eval mode, over
  /// (batch, probe) in train mode: their ratio is 0 exactly when H = G along every probe.
  double abs_difference = 0, reference = 0;
};

struct ModelLandscape {
  int64_t images = 0;
  Mean loss, accuracy;   ///< clean
  Mean gradient_norm;    ///< ||grad_x L(x, y)||_2
  Mean curvature;        ///< Tr(H^T H), centred differences (the consistent form)
  Mean curvature_exact;  ///< Tr(H^T H) from exact Hessian-vector products, same probes
  /// sum ||d - H z||^2 and sum ||H z||^2: the finite differences' relative error.
  double fd_error_sq = 0, exact_sq = 0;
  std::vector<RadiusStats> radii;
  std::vector<KlStats> eq8, eq9;
  PropositionStats eval_mode, train_mode;
};

/// Measures `model` (switched to eval mode, fp32 expected) on `images` (float conversion as
/// `dign eval`), whose positions in the test split are `positions` (they seed the draws).
/// The model's parameters and buffers are unchanged afterwards.
/// With `shards` (torchrun, dign launch; collective) rank r measures batches r, r + size, ...
/// (the batches one process makes, so the train-mode check sees the same BatchNorm batches)
/// and every rank returns the sums over all of them: counts exactly, means to float rounding.
ModelLandscape measure_landscape(models::ClassifierImpl& model, const data::ImageSet& images,
                                 const std::vector<int64_t>& positions,
                                 const LandscapeOptions& options, const torch::Device& device,
                                 Progress& progress, const std::string& label = "model",
                                 const distributed::EvalShards* shards = nullptr);

/// The measured figures as the report's per-model JSON ("images", "clean", "radii",
/// "eq8", "eq9", "proposition1").
nlohmann::json landscape_json(const ModelLandscape& m, const LandscapeOptions& options);

}  // namespace dign::landscape
