#include "objectives/objective.h"

#include "core/error.h"

namespace dign::objectives {

const torch::Tensor& Batch::view(const std::string& name) const {
  if (name == "clean") return images;
  const auto found = views.find(name);
  DIGN_CHECK(found != views.end(), "batch: no view '", name,
             "' (the method's views() must declare every view its objective reads)");
  return found->second;
}

}  // namespace dign::objectives
