#pragma once
// The interface of every training transform, and Compose, which runs several in
// order. A transform draws all its randomness from the SampleRng it is given,
// seeded per (run seed, epoch, image index) by the loader, so an image's
// augmentation depends neither on threads nor on the other images. Transforms
// are immutable after construction and shared between loader threads.
//
//   Compose transforms({std::make_shared<RandomCrop>(), std::make_shared<HorizontalFlip>()});
//   transforms.to_list();  // "crop,flip"
//   transforms.apply(image, rng);
#include <memory>
#include <string>
#include <vector>

#include "augment/image.h"
#include "core/rng.h"

namespace dign::augment {

class Transform {
 public:
  virtual ~Transform() = default;
  /// The name --augment and config.json use for it ("crop", "flip", ...).
  virtual std::string name() const = 0;
  /// Transforms `image` in place (its size may change), drawing only from `rng`.
  virtual void apply(Image& image, SampleRng& rng) const = 0;
};

/// Transforms applied one after the other, as torchvision.transforms.Compose.
/// A Compose is itself a Transform, so chains nest (AugMix's and AugMax's chains).
class Compose final : public Transform {
 public:
  Compose() = default;
  /// dign::Error on a null transform.
  explicit Compose(std::vector<std::shared_ptr<const Transform>> transforms);
  /// Appends `transform` (not null); returns *this for chaining.
  Compose& push_back(std::shared_ptr<const Transform> transform);

  /// The names of the transforms, in order.
  std::vector<std::string> names() const;
  /// The names joined with ',', or "none" when empty: the form config.json stores.
  std::string to_list() const;
  std::string name() const override { return to_list(); }
  void apply(Image& image, SampleRng& rng) const override;

  const std::vector<std::shared_ptr<const Transform>>& transforms() const noexcept {
    return transforms_;
  }
  bool empty() const noexcept { return transforms_.empty(); }

 private:
  std::vector<std::shared_ptr<const Transform>> transforms_;
};

}  // namespace dign::augment
