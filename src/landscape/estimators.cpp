#include "landscape/estimators.h"

#include "core/error.h"
#include "core/rng.h"
#include "core/torch_rng.h"

namespace dign::landscape {
namespace {

namespace ag = torch::autograd;

std::vector<int64_t> with_batch(int64_t batch, at::IntArrayRef image_shape) {
  std::vector<int64_t> shape = {batch};
  shape.insert(shape.end(), image_shape.begin(), image_shape.end());
  return shape;
}

// d/dx of sum(outputs * grad_output); zeros where `x` does not reach the outputs (a model
// whose gradient is constant has a zero Hessian).
torch::Tensor gradient_of(const torch::Tensor& outputs, const torch::Tensor& x,
                          const torch::Tensor& grad_output, bool retain, bool create) {
  auto g = ag::grad({outputs}, {x}, {grad_output}, retain, create, /*allow_unused=*/true)[0];
  return g.defined() ? g : torch::zeros_like(x);
}

// Per-image inner products <a_i, b_i> of [B,...] tensors: [B].
torch::Tensor per_image_dot(const torch::Tensor& a, const torch::Tensor& b) {
  return (a * b).flatten(1).sum(1);
}

// fp32 at least (double stays double, for the tests' exact checks).
torch::Tensor at_least_fp32(const torch::Tensor& t) {
  return t.to(at::promote_types(t.scalar_type(), torch::kFloat));
}

torch::Tensor log_softmax_fp32(models::ClassifierImpl& model, const torch::Tensor& x) {
  return torch::log_softmax(at_least_fp32(model.forward(x)), 1);
}

torch::Tensor input_of(const torch::Tensor& x) {
  return at_least_fp32(x.detach()).requires_grad_(true);
}

}  // namespace

FrozenParameters::FrozenParameters(torch::nn::Module& model) {
  for (auto& p : model.parameters()) {
    saved_.emplace_back(p, p.requires_grad());
    p.requires_grad_(false);
  }
}

FrozenParameters::~FrozenParameters() {
  for (auto& [p, requires] : saved_) p.requires_grad_(requires);
}

BufferRestorer::BufferRestorer(torch::nn::Module& model)
    : model_(model), was_training_(model.is_training()) {
  for (auto& b : model.buffers()) saved_.emplace_back(b, b.clone());
}

BufferRestorer::~BufferRestorer() {
  torch::NoGradGuard no_grad;
  for (auto& [b, copy] : saved_) b.copy_(copy);
  model_.train(was_training_);
}

torch::Tensor per_image_loss(const torch::Tensor& logits, const torch::Tensor& labels) {
  return torch::nll_loss(torch::log_softmax(at_least_fp32(logits), 1), labels, {},
                         at::Reduction::None);
}

torch::Tensor kl_divergence(const torch::Tensor& log_p, const torch::Tensor& log_q) {
  return (log_p.exp() * (log_p - log_q)).sum(1);
}

torch::Tensor loss_gradient(models::ClassifierImpl& model, const torch::Tensor& x,
                            const torch::Tensor& y) {
  auto input = input_of(x);
  auto loss = per_image_loss(model.forward(input), y).sum();
  return gradient_of(loss, input, torch::ones_like(loss), false, false);
}

torch::Tensor finite_difference_hvp(models::ClassifierImpl& model, const torch::Tensor& x,
                                    const torch::Tensor& y, const torch::Tensor& z, double eta) {
  DIGN_CHECK(eta > 0, "finite_difference_hvp: expected eta > 0, got ", eta);
  const int64_t b = x.size(0);
  const auto both = torch::cat({x + eta * z, x - eta * z});
  const auto g = loss_gradient(model, both, torch::cat({y, y}));
  return (g.narrow(0, 0, b) - g.narrow(0, b, b)) / (2 * eta);
}

torch::Tensor image_normals(const std::vector<int64_t>& indices, at::IntArrayRef image_shape,
                            uint64_t seed, const char* purpose, uint64_t counter) {
  const auto shape = with_batch(1, image_shape);
  return per_image_draws(indices, seed, {purpose_tag(purpose), counter},
                         [&](torch::Generator& g) { return at::normal(0.0, 1.0, shape, g); });
}

torch::Tensor image_uniforms(const std::vector<int64_t>& indices, uint64_t seed,
                             const char* purpose, uint64_t counter) {
  return per_image_draws(indices, seed, {purpose_tag(purpose), counter},
                         [](torch::Generator& g) { return at::rand({1}, g); });
}

torch::Tensor unit_directions(const std::vector<int64_t>& indices, at::IntArrayRef image_shape,
                              uint64_t seed, int64_t direction) {
  const auto u = image_normals(indices, image_shape, seed, "landscape-direction",
                               static_cast<uint64_t>(direction));
  const auto norm = u.flatten(1).norm(2, 1);
  return u / norm.view(with_batch(-1, std::vector<int64_t>(image_shape.size(), 1)));
}

FisherProducts fisher_products(models::ClassifierImpl& model, const torch::Tensor& x,
                               const torch::Tensor& y, const torch::Tensor& vectors) {
  const int64_t b = x.size(0);
  auto input = input_of(x);
  const auto log_p = log_softmax_fp32(model, input);
  const int64_t classes = log_p.size(1);
  const auto p = log_p.detach().exp();
  const auto flat_vectors = vectors.reshape({b, vectors.size(1), -1});  // [B,m,d]
  FisherProducts out;
  out.log_probs = log_p.detach();
  out.loss = -log_p.detach().gather(1, y.view({-1, 1})).squeeze(1);
  out.gradient = torch::zeros_like(input);
  out.trace = torch::zeros({b}, p.options());
  out.quadratic = torch::zeros({b, vectors.size(1)}, p.options());
  for (int64_t k = 0; k < classes; ++k) {
    const auto column = log_p.select(1, k);
    const auto g = gradient_of(column, input, torch::ones_like(column), k + 1 < classes, false);
    const auto pk = p.select(1, k);
    out.trace += pk * g.flatten(1).pow(2).sum(1);
    if (flat_vectors.size(1) > 0) {
      const auto dots = torch::bmm(flat_vectors, g.reshape({b, -1, 1})).squeeze(2);  // [B,m]
      out.quadratic += pk.unsqueeze(1) * dots.pow(2);
    }
    // L = -log p_y: its gradient is -grad log p_k on the images labelled k.
    const auto mine =
        y.eq(k).to(g.dtype()).view(with_batch(-1, std::vector<int64_t>(g.dim() - 1, 1)));
    out.gradient -= mine.expand_as(g) * g;
  }
  return out;
}

CurvatureProducts curvature_products(models::ClassifierImpl& model, const torch::Tensor& x,
                                     const torch::Tensor& y, const torch::Tensor& probes,
                                     bool with_fisher) {
  const int64_t b = x.size(0), n = probes.size(1);
  auto input = input_of(x);
  const auto log_p = log_softmax_fp32(model, input);
  const auto loss = torch::nll_loss(log_p, y, {}, at::Reduction::Sum);
  // grad L with its graph kept: differentiating <grad L, z> again gives H z.
  const auto g = gradient_of(loss, input, torch::ones_like(loss), true, true);
  CurvatureProducts out;
  std::vector<torch::Tensor> hz, zhz, zgz;
  for (int64_t j = 0; j < n; ++j) {
    const auto z = probes.select(1, j);
    const auto h = g.requires_grad() ? gradient_of(g, input, z, true, false) : torch::zeros_like(z);
    hz.push_back(h.detach());
    zhz.push_back(per_image_dot(z, h).detach());
  }
  if (with_fisher) {
    // J z by the double-vjp construction: J^T v is linear in v, so d<J^T v, z>/dv = J z.
    auto v = torch::zeros_like(log_p).requires_grad_(true);
    const auto jtv = gradient_of(log_p, input, v, true, true);
    const auto p = log_p.detach().exp();
    for (int64_t j = 0; j < n; ++j) {
      auto jz = ag::grad({jtv}, {v}, {probes.select(1, j)}, true, false, true)[0];
      if (!jz.defined()) jz = torch::zeros_like(p);
      zgz.push_back((p * jz.pow(2)).sum(1));
    }
    out.zgz = torch::stack(zgz, 1);
  }
  out.hz = torch::stack(hz, 1);
  out.zhz = torch::stack(zhz, 1);
  TORCH_INTERNAL_ASSERT(out.zhz.size(0) == b);
  return out;
}

}  // namespace dign::landscape
