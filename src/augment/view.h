#pragma once
// A named view of each training image that a method asks the loader for, made from the
// image after the run's training transforms (crop, flip, ...): AugMix asks for two views
// made by its chains, "augmix_1" and "augmix_2". The loader draws each view's randomness
// from (run seed, view name, epoch, image index), so views are independent of each other
// and of the number of loader threads.
#include <cstdint>
#include <memory>
#include <string>

#include "augment/transform.h"

namespace dign::augment {

struct ViewSpec {
  /// The name objectives look the view up by; "clean" is reserved for the base image.
  std::string name;
  /// Applied to a copy of the transformed image; null = the transformed image itself.
  std::shared_ptr<const Transform> transform;
  /// Images the transform returns stacked top to bottom (AugMax's three unmixed chains): the
  /// view is then float [N,3,stacked*H,W], image k rows [k*H, (k+1)*H). Default: 1.
  int64_t stacked = 1;
};

}  // namespace dign::augment
