#pragma once
// Cross-entropy and KL divergence between predictive distributions, always in
// fp32: under bf16 autocast LibTorch leaves softmax in bf16, where confidences
// near 1 round to exactly 1.0 and the KL term loses its signal.
#include <torch/torch.h>

#include <vector>

namespace dign::objectives {

/// Mean cross-entropy (Eq. 1). logits [N,C] (any float dtype), labels int64 [N].
torch::Tensor cross_entropy(const torch::Tensor& logits, const torch::Tensor& labels);

/// Per-example D(p || q) = sum_c p_c (log p_c - log q_c) with p = softmax(p_logits),
/// q = softmax(q_logits); [N,C] each -> [N]. Gradients flow through both arguments.
torch::Tensor kl_divergence(const torch::Tensor& p_logits, const torch::Tensor& q_logits);

/// Per-example Jensen-Shannon divergence of k distributions, (1/k) sum_i D(p_i || M) with
/// M = clamp(mean_i p_i, 1e-7, 1) (AugMix's form), p_i = softmax(logits[i]); [N,C] each ->
/// [N]. Gradients flow through every p_i and through M.
torch::Tensor jensen_shannon(const std::vector<torch::Tensor>& logits);

}  // namespace dign::objectives
