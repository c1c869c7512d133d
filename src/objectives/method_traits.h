#pragma once
// What a training method asks of the rest of dign besides its objective, with the answers of
// a method that needs nothing special. Each method's options struct derives from
// MethodTraits and hides the members whose answer differs (DiGN: forward_passes; RSE:
// ensemble; AugMix: views). LibTorch-free.
#include <cstdint>
#include <vector>

#include "augment/view.h"

namespace dign::objectives {

class Objective;  // objective.h (LibTorch)

/// A test-time ensemble: the softmax probabilities of `copies` copies of each image under
/// N(0, sigma^2) noise, averaged (RSE's predictor, Eq. 4). copies 1 = the plain model.
struct TestTimeEnsemble {
  int64_t copies = 1;
  double sigma = 0.0;
};

/// The help of the concat_views field (--concat-views) of every multi-view method, whose
/// objective passes it to forward_views (multi_view.h).
inline constexpr const char* kConcatViewsHelp =
    "one forward pass over all views together (AugMix's code; BatchNorm then pools the views' "
    "statistics); off: one pass per view, as the paper's code";

struct MethodTraits {
  /// Views the loader makes besides the clean one, on its worker threads.
  std::vector<augment::ViewSpec> views() const { return {}; }
  /// Forward passes of the model per training example and step (for FLOP figures; the
  /// backward costs about twice as much).
  int64_t forward_passes() const { return 1; }
  /// Passes of an inner attack per training example and step: a forward and a backward to
  /// the input only (about two forward passes' FLOPs).
  int64_t attack_passes() const { return 0; }
  /// The ensemble a model trained so records for evaluation.
  TestTimeEnsemble test_time_ensemble() const { return {}; }
  /// Whether the method trains some images under the auxiliary route of AugMax's dual
  /// BatchNorms (--norm dubin, models/dual_norm.h): only AugMax does.
  bool routes_auxiliary_norm() const { return false; }
};

}  // namespace dign::objectives
