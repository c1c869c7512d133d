#include "objectives/divergence.h"

namespace dign::objectives {
namespace {
// Reduced-precision logits (bf16, fp16) are promoted to fp32; fp64 stays fp64
// (gradient checks run in double).
torch::Tensor at_least_fp32(const torch::Tensor& t) {
  return t.scalar_type() == torch::kDouble ? t : t.to(torch::kFloat32);
}
}  // namespace

torch::Tensor cross_entropy(const torch::Tensor& logits, const torch::Tensor& labels) {
  return torch::nn::functional::cross_entropy(at_least_fp32(logits), labels);
}

torch::Tensor kl_divergence(const torch::Tensor& p_logits, const torch::Tensor& q_logits) {
  const auto log_p = torch::log_softmax(at_least_fp32(p_logits), 1);
  const auto log_q = torch::log_softmax(at_least_fp32(q_logits), 1);
  // exp(log_p) rather than softmax again: one softmax, and p log p stays finite at p -> 0.
  return (log_p.exp() * (log_p - log_q)).sum(1);
}

torch::Tensor jensen_shannon(const std::vector<torch::Tensor>& logits) {
  std::vector<torch::Tensor> log_p;
  torch::Tensor mixture;
  for (const auto& l : logits) {
    log_p.push_back(torch::log_softmax(at_least_fp32(l), 1));
    mixture = mixture.defined() ? mixture + log_p.back().exp() : log_p.back().exp();
  }
  const auto log_m = (mixture / static_cast<double>(logits.size())).clamp(1e-7, 1.0).log();
  torch::Tensor sum;
  for (const auto& lp : log_p) {
    const auto kl = (lp.exp() * (lp - log_m)).sum(1);
    sum = sum.defined() ? sum + kl : kl;
  }
  return sum / static_cast<double>(logits.size());
}

}  // namespace dign::objectives
