#include "augment/transform.h"

#include <utility>

#include "core/error.h"

namespace dign::augment {

Compose::Compose(std::vector<std::shared_ptr<const Transform>> transforms) {
  for (auto& t : transforms) push_back(std::move(t));
}

Compose& Compose::push_back(std::shared_ptr<const Transform> transform) {
  DIGN_CHECK(transform != nullptr, "augment::Compose: null transform at position ",
             transforms_.size());
  transforms_.push_back(std::move(transform));
  return *this;
}

std::vector<std::string> Compose::names() const {
  std::vector<std::string> out;
  out.reserve(transforms_.size());
  for (const auto& t : transforms_) out.push_back(t->name());
  return out;
}

std::string Compose::to_list() const {
  std::string out;
  for (const auto& t : transforms_) out += (out.empty() ? "" : ",") + t->name();
  return out.empty() ? "none" : out;
}

void Compose::apply(Image& image, SampleRng& rng) const {
  for (const auto& t : transforms_) t->apply(image, rng);
}

}  // namespace dign::augment
