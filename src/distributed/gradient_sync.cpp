#include "distributed/gradient_sync.h"

#include <chrono>
#include <map>

namespace dign::distributed {

GradientSync::GradientSync(std::shared_ptr<ProcessGroup> group,
                           std::vector<torch::Tensor> parameters, int64_t bucket_bytes)
    : group_(std::move(group)), parameters_(std::move(parameters)) {
  DIGN_CHECK(bucket_bytes > 0, "--bucket-mb: expected a positive size");
  // In reverse, as DDP: the last layers' gradients are the first ready (for a later overlap).
  std::map<std::pair<int, std::string>, std::vector<size_t>> open;  // (dtype, device) -> bucket
  std::map<std::pair<int, std::string>, int64_t> open_bytes;
  for (size_t k = parameters_.size(); k-- > 0;) {
    const auto& p = parameters_[k];
    if (!p.requires_grad()) continue;
    const std::pair<int, std::string> key{static_cast<int>(p.scalar_type()), p.device().str()};
    const int64_t bytes = p.numel() * static_cast<int64_t>(p.element_size());
    auto& bucket = open[key];
    if (!bucket.empty() && open_bytes[key] + bytes > bucket_bytes) {
      buckets_.push_back(std::move(bucket));
      bucket.clear();
      open_bytes[key] = 0;
    }
    bucket.push_back(k);
    open_bytes[key] += bytes;
  }
  for (auto& entry : open) {
    if (!entry.second.empty()) buckets_.push_back(std::move(entry.second));
  }
}

void GradientSync::average() {
  const auto start = std::chrono::steady_clock::now();
  torch::NoGradGuard no_grad;
  const double scale = 1.0 / static_cast<double>(group_->size());
  for (const auto& bucket : buckets_) {
    std::vector<torch::Tensor> grads;
    grads.reserve(bucket.size());
    for (const size_t k : bucket) {
      auto& p = parameters_[k];
      if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
      grads.push_back(p.grad());
    }
    std::vector<torch::Tensor> flat{flatten(grads)};
    group_->all_reduce_sum(flat);
    flat[0].mul_(scale);
    unflatten_into(flat[0], grads);
  }
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool GradientSync::all_finite(bool finite) {
  std::vector<torch::Tensor> bad{torch::tensor({finite ? 0.0f : 1.0f})};
  group_->all_reduce_sum(bad);
  return bad[0].item<float>() == 0.0f;
}

int GradientSync::agree_stop(int signal) {
  // The largest signal: gathered, since a sum of signal numbers would name none of them.
  const auto all = group_->all_gather(torch::tensor({static_cast<int64_t>(signal)}));
  int64_t largest = 0;
  for (const auto& s : all) largest = std::max(largest, s.item<int64_t>());
  return static_cast<int>(largest);
}

void broadcast_from_root(ProcessGroup& group, const std::vector<torch::Tensor>& tensors) {
  torch::NoGradGuard no_grad;
  std::map<int, std::vector<torch::Tensor>> by_dtype;
  for (const auto& t : tensors) {
    if (t.defined() && t.numel() > 0) by_dtype[static_cast<int>(t.scalar_type())].push_back(t);
  }
  for (auto& entry : by_dtype) {
    std::vector<torch::Tensor> flat{flatten(entry.second)};
    group.broadcast(flat, 0);
    unflatten_into(flat[0], entry.second);
  }
}

}  // namespace dign::distributed
