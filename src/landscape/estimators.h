#pragma once
// The estimators of the paper's section 3 on a batch of images, in fp32 (never autocast:
// bf16's 8-bit mantissa drowns a finite difference). L is the per-image cross-entropy (nats),
// H = d^2 L / dx^2 its input Hessian, G the Fisher information of Eq. 7.
//
// Every function differentiates the sum of the batch's outputs: per image when the model
// treats images independently (eval mode). In train mode BatchNorm couples a batch, which is
// then one input X; curvature_products documents how its figures split over images.
//
//   FrozenParameters frozen(model);  // input gradients only
//   auto f = fisher_products(model, x, y, probes);      // Tr G (Eq. 10), v^T G v, grad L
//   auto c = curvature_products(model, x, y, probes, false);  // z^T H z, H z (exact)
//   auto d = finite_difference_hvp(model, x, y, probes.select(1, 0), 1e-3);  // ~ H z
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "models/classifier.h"

namespace dign::landscape {

/// Switches off the gradients of `model`'s parameters for the guard's life: the estimators
/// need input gradients only, and weight gradients would double the cost.
class FrozenParameters {
 public:
  explicit FrozenParameters(torch::nn::Module& model);
  ~FrozenParameters();
  FrozenParameters(const FrozenParameters&) = delete;
  FrozenParameters& operator=(const FrozenParameters&) = delete;

 private:
  std::vector<std::pair<torch::Tensor, bool>> saved_;
};

/// Keeps a copy of `model`'s buffers (BatchNorm running statistics) and puts them back, with
/// the training flag, when the guard ends: the train-mode check must not change the model.
class BufferRestorer {
 public:
  explicit BufferRestorer(torch::nn::Module& model);
  ~BufferRestorer();
  BufferRestorer(const BufferRestorer&) = delete;
  BufferRestorer& operator=(const BufferRestorer&) = delete;

 private:
  torch::nn::Module& model_;
  bool was_training_;
  std::vector<std::pair<torch::Tensor, torch::Tensor>> saved_;
};

/// Per-image cross-entropy [B] in fp32 (nats): logits [B,K], labels int64 [B].
torch::Tensor per_image_loss(const torch::Tensor& logits, const torch::Tensor& labels);

/// Per-image KL(p || q) [B] from log-probabilities [B,K] (fp32).
torch::Tensor kl_divergence(const torch::Tensor& log_p, const torch::Tensor& log_q);

/// grad_x L(x, y) [B,...] for images x [B,...] and labels [B].
torch::Tensor loss_gradient(models::ClassifierImpl& model, const torch::Tensor& x,
                            const torch::Tensor& y);

/// The consistent centred difference (grad L(x + eta z) - grad L(x - eta z)) / (2 eta), an
/// estimate of H z [B,...] whose squared norm estimates E ||H z||^2 = Tr(H^T H) without
/// depending on eta. (Section 3.2 prints 1/(2 eta) outside the squared norm: that estimate is
/// 2 eta Tr(H^T H), which scales with eta.) Both points go through the model as one batch.
torch::Tensor finite_difference_hvp(models::ClassifierImpl& model, const torch::Tensor& x,
                                    const torch::Tensor& y, const torch::Tensor& z, double eta);

/// Standard normal draws [B,...] of `image_shape` for images at `indices` (their positions in
/// the test split): image i's draw depends on (seed, purpose, counter, i) only.
torch::Tensor image_normals(const std::vector<int64_t>& indices, at::IntArrayRef image_shape,
                            uint64_t seed, const char* purpose, uint64_t counter);

/// Uniform draws in [0, 1), one per image [B], seeded as image_normals.
torch::Tensor image_uniforms(const std::vector<int64_t>& indices, uint64_t seed,
                             const char* purpose, uint64_t counter);

/// u / ||u||_2 per image [B,...] with u ~ N(0, I): section 3.2's direction number `direction`.
torch::Tensor unit_directions(const std::vector<int64_t>& indices, at::IntArrayRef image_shape,
                              uint64_t seed, int64_t direction);

struct FisherProducts {
  torch::Tensor log_probs;  ///< log p(x) [B,K], fp32, detached
  torch::Tensor loss;       ///< L(x, y) [B]
  torch::Tensor gradient;   ///< grad_x L(x, y) [B,...] (= -grad_x log p_y)
  torch::Tensor trace;      ///< Tr G(x) [B], Eq. 10: sum_k p_k ||grad_x log p_k||^2
  torch::Tensor quadratic;  ///< v_j^T G(x) v_j [B,m] for the m vectors given
};

/// Eq. 10 exactly, one backward per class (K backwards): Tr G, the quadratic forms
/// v^T G v = sum_k p_k (grad_x log p_k . v)^2 of `vectors` [B,m,...] (m may be 0), and the
/// loss gradient on the way. Cost grows with the number of classes.
FisherProducts fisher_products(models::ClassifierImpl& model, const torch::Tensor& x,
                               const torch::Tensor& y, const torch::Tensor& vectors);

struct CurvatureProducts {
  torch::Tensor hz;   ///< H z_j [B,n,...], exact (double backward)
  torch::Tensor zhz;  ///< z_j^T H z_j [B,n], split over images by input block
  torch::Tensor zgz;  ///< z_j^T G z_j [B,n] (with_fisher), split over images by output
};

/// Exact Hessian-vector products of the summed cross-entropy for probes [B,n,...] (double
/// backward: the Hessian autograd sees, which for a ReLU network is the almost-everywhere one,
/// J^T (diag p - p p^T) J), and with `with_fisher` the Fisher quadratic forms z^T G z from
/// Jacobian-vector products of log p (the double-vjp construction). Summed over a batch, both
/// are the batch input's z^T H z and z^T G z, also when BatchNorm couples its images.
CurvatureProducts curvature_products(models::ClassifierImpl& model, const torch::Tensor& x,
                                     const torch::Tensor& y, const torch::Tensor& probes,
                                     bool with_fisher);

}  // namespace dign::landscape
