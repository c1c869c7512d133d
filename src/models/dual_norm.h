#pragma once
// The original AugMax's normalisation layers (Wang et al. 2021; its code's
// models/cifar10/resnet_DuBN.py:13-25 and resnet_DuBIN.py:13-33), built by `--norm dubin`:
//   - DualBatchNorm2d: two BatchNorms, main and auxiliary; the layer's route picks one;
//   - DuBIN(C): channels [0, floor(C/2)) through an InstanceNorm2d (affine, no running
//     statistics), channels [floor(C/2), C) through a DualBatchNorm2d.
// AugMax's code trains (and searches) its AugMax images under the auxiliary route and everything
// else, evaluation included, under the main one. Both BatchNorms are models::BatchNorm2d, so
// --sync-bn finds and synchronises each; init, export and state dicts see LibTorch's modules.
// eps and momentum are PyTorch's defaults (1e-5, 0.1), as the original's.
//
//   {
//     models::NormRouteGuard auxiliary(*model, models::NormRoute::auxiliary);
//     logits = model->forward(augmax_images);
//   }  // every dual layer back on the route it had (main unless set otherwise)
#include <torch/torch.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "models/batch_norm.h"

namespace dign::models {

/// Which BatchNorm of a dual layer normalises: AugMax's 'M' and 'A'.
enum class NormRoute {
  main,       ///< clean and AugMix images, evaluation
  auxiliary,  ///< AugMax images (their search and their training forward)
};

class DualBatchNorm2dImpl : public torch::nn::Module {
 public:
  explicit DualBatchNorm2dImpl(int64_t channels);
  /// x [N, C, H, W] -> [N, C, H, W], by the BatchNorm of route().
  torch::Tensor forward(const torch::Tensor& x);
  NormRoute route() const { return route_; }
  void set_route(NormRoute route) { route_ = route; }

 private:
  NormRoute route_ = NormRoute::main;
  BatchNorm2d main_{nullptr}, auxiliary_{nullptr};
};
TORCH_MODULE(DualBatchNorm2d);

class DuBINImpl : public torch::nn::Module {
 public:
  /// One channel has no half to normalise per instance: all of it goes to the BatchNorms (the
  /// original cannot build that layer: torch.split by 0 fails).
  explicit DuBINImpl(int64_t channels);
  /// x [N, C, H, W] -> [N, C, H, W].
  torch::Tensor forward(const torch::Tensor& x);
  /// floor(C / 2): the channels normalised per instance.
  int64_t instance_channels() const { return instance_channels_; }

 private:
  int64_t instance_channels_ = 0;
  torch::nn::InstanceNorm2d instance_norm_{nullptr};
  DualBatchNorm2d batch_norm_{nullptr};
};
TORCH_MODULE(DuBIN);

/// What a residual network normalises with.
enum class NormKind {
  batch,       ///< models::BatchNorm2d (--norm bn)
  dual_batch,  ///< DualBatchNorm2d
  dubin,       ///< DuBIN
};

/// A layer of `kind` over `channels` channels, for a block or a Sequential.
torch::nn::AnyModule make_norm(NormKind kind, int64_t channels);

/// Whether `module` holds a dual layer (DualBatchNorm2d, alone or in a DuBIN).
bool has_dual_norm(torch::nn::Module& module);

/// Sets the route of every dual layer under `module` for the guard's lifetime, then restores
/// each one's previous route. `module` must outlive the guard.
class NormRouteGuard {
 public:
  NormRouteGuard(torch::nn::Module& module, NormRoute route);
  ~NormRouteGuard();
  NormRouteGuard(const NormRouteGuard&) = delete;
  NormRouteGuard& operator=(const NormRouteGuard&) = delete;

 private:
  std::vector<std::pair<DualBatchNorm2dImpl*, NormRoute>> previous_;
};

}  // namespace dign::models
