#include "objectives/multi_view.h"

#include "core/error.h"

namespace dign::objectives {

std::vector<torch::Tensor> forward_views(models::ClassifierImpl& model,
                                         const std::vector<torch::Tensor>& views, bool concat) {
  DIGN_CHECK(!views.empty(), "forward_views: no views");
  if (!concat) {
    std::vector<torch::Tensor> logits;
    logits.reserve(views.size());
    for (const auto& view : views) logits.push_back(model.forward(view));
    return logits;
  }
  for (const auto& view : views) {
    DIGN_CHECK(view.size(0) == views.front().size(0), "forward_views: views of ",
               views.front().size(0), " and ", view.size(0), " images");
  }
  return model.forward(torch::cat(views, 0)).chunk(static_cast<int64_t>(views.size()), 0);
}

}  // namespace dign::objectives
