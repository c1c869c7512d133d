#pragma once
// The forward passes of a method that trains on several views of each batch (DiGN's noisy
// views, AugMix's, the hybrid's), made one way for all of them:
//   - one forward per view, in order (the paper's code): BatchNorm normalises each view with
//     its own batch statistics and updates its running statistics once per view;
//   - or, with --concat-views, one forward over the views concatenated (AugMix's own code):
//     fewer, larger operations, but BatchNorm pools the statistics of all views.
//
//   auto logits = forward_views(model, {batch.images, noisy, augmix_1}, concat_views);
// Each such method declares the field concat_views (--concat-views) with kConcatViewsHelp
// (method_traits.h).
#include <torch/torch.h>

#include <vector>

#include "models/classifier.h"

namespace dign::objectives {

/// The logits of each of `views` (float [N,3,H,W] each, the same N), in order.
std::vector<torch::Tensor> forward_views(models::ClassifierImpl& model,
                                         const std::vector<torch::Tensor>& views, bool concat);

}  // namespace dign::objectives
