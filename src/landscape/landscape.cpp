#include "landscape/landscape.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "data/loader.h"
#include "landscape/estimators.h"

namespace dign::landscape {
namespace {

void add_all(Mean& mean, const torch::Tensor& values) {
  const auto v = values.detach().to(torch::kDouble).cpu().contiguous();
  const double* p = v.data_ptr<double>();
  for (int64_t i = 0; i < v.numel(); ++i) mean.add(p[i]);
}

double total(const torch::Tensor& t) {
  return t.detach().to(torch::kDouble).sum().item<double>();
}

// [B, ...] -> [B*S, ...], each row repeated S times in a row: the layout of noise [B,S,...].
torch::Tensor repeat_rows(const torch::Tensor& t, int64_t s) {
  return t.repeat_interleave(s, 0);
}

// Per image, averaged over the S draws: KL(p(x) || p(x + delta_j)) for noise [B,S,...].
torch::Tensor mean_kl(models::ClassifierImpl& model, const torch::Tensor& x,
                      const torch::Tensor& log_p, const torch::Tensor& noise) {
  torch::NoGradGuard no_grad;
  const int64_t b = x.size(0), s = noise.size(1);
  const auto noisy = repeat_rows(x, s) + noise.reshape(repeat_rows(x, s).sizes());
  const auto log_q = torch::log_softmax(model.forward(noisy).to(log_p.dtype()), 1);
  return kl_divergence(repeat_rows(log_p, s), log_q).view({b, s}).mean(1);
}

struct Batch {
  torch::Tensor x, y;
  std::vector<int64_t> positions;  // in the test split: they seed the draws
};

void measure_radii(models::ClassifierImpl& model, const Batch& batch, const torch::Tensor& loss,
                   const LandscapeOptions& o, ModelLandscape& m) {
  torch::NoGradGuard no_grad;
  const auto shape = batch.x.sizes().slice(1);
  std::vector<torch::Tensor> difference(o.radii.size()), correct(o.radii.size());
  for (int64_t k = 0; k < o.directions; ++k) {
    const auto u = unit_directions(batch.positions, shape, o.seed, k).to(batch.x.device());
    for (size_t r = 0; r < o.radii.size(); ++r) {
      const auto logits = model.forward(batch.x + o.radii[r] * u);
      const auto d = (per_image_loss(logits, batch.y) - loss).abs();
      const auto c = logits.argmax(1).eq(batch.y).to(torch::kDouble);
      difference[r] = k == 0 ? d : difference[r] + d;
      correct[r] = k == 0 ? c : correct[r] + c;
    }
  }
  for (size_t r = 0; r < o.radii.size(); ++r) {
    add_all(m.radii[r].loss_difference, difference[r] / static_cast<double>(o.directions));
    add_all(m.radii[r].accuracy, correct[r] / static_cast<double>(o.directions));
  }
}

// Eq. 8 and Eq. 9 with delta = sigma xi_j, the xi_j ~ N(0, I) shared by every level (common
// random numbers: the convergence as sigma shrinks is not hidden by fresh noise at each level).
void measure_kl(models::ClassifierImpl& model, const Batch& batch, const FisherProducts& f,
                const torch::Tensor& xi, const LandscapeOptions& o, ModelLandscape& m) {
  const int64_t n = o.curvature_samples, s = o.kl_samples;
  const auto xi_g_xi = f.quadratic.narrow(1, n, s);  // [B,S]
  std::vector<torch::Tensor> u;                      // sigma ~ U(0, sigma_max) per draw
  for (int64_t j = 0; j < s; ++j) {
    u.push_back(image_uniforms(batch.positions, o.seed, "landscape-kl-sigma", j));
  }
  const auto fraction = torch::stack(u, 1).to(xi.device(), xi.scalar_type());  // [B,S]
  const auto expand = [&](const torch::Tensor& t) {
    auto shape = t.sizes().vec();
    shape.resize(static_cast<size_t>(xi.dim()), 1);
    return t.view(shape);
  };
  for (size_t l = 0; l < o.sigmas.size(); ++l) {
    const double sigma = o.sigmas[l];
    m.eq8[l].sigma = m.eq9[l].sigma = sigma;
    add_all(m.eq8[l].kl, mean_kl(model, batch.x, f.log_probs, sigma * xi));
    add_all(m.eq8[l].predicted, sigma * sigma / 2 * f.trace);
    add_all(m.eq8[l].paired, (sigma * sigma / 2 * xi_g_xi).mean(1));
    const auto sigmas = sigma * fraction;
    add_all(m.eq9[l].kl, mean_kl(model, batch.x, f.log_probs, expand(sigmas) * xi));
    add_all(m.eq9[l].predicted, sigma * sigma / 6 * f.trace);
    add_all(m.eq9[l].paired, (sigmas.pow(2) / 2 * xi_g_xi.to(sigmas.dtype())).mean(1));
  }
}

void add_paired(PropositionStats& s, const torch::Tensor& zhz, const torch::Tensor& zgz) {
  s.abs_difference += total((zhz - zgz).abs());
  s.reference += total(zgz);
}

void measure_batch(models::ClassifierImpl& model, const Batch& batch, const LandscapeOptions& o,
                   ModelLandscape& m) {
  const auto shape = batch.x.sizes().slice(1);
  const int64_t n = o.curvature_samples, b = batch.x.size(0);
  std::vector<torch::Tensor> z_list, xi_list;
  for (int64_t j = 0; j < n; ++j) {
    z_list.push_back(image_normals(batch.positions, shape, o.seed, "landscape-probe", j));
  }
  for (int64_t j = 0; j < o.kl_samples; ++j) {
    xi_list.push_back(image_normals(batch.positions, shape, o.seed, "landscape-kl-noise", j));
  }
  const auto device = batch.x.device();
  const auto dtype = batch.x.scalar_type();
  const auto z = torch::stack(z_list, 1).to(device, dtype);    // [B,n,...]
  const auto xi = torch::stack(xi_list, 1).to(device, dtype);  // [B,S,...]

  model.eval();
  const FisherProducts f = fisher_products(model, batch.x, batch.y, torch::cat({z, xi}, 1));
  add_all(m.loss, f.loss);
  add_all(m.accuracy, f.log_probs.argmax(1).eq(batch.y));
  add_all(m.gradient_norm, f.gradient.flatten(1).norm(2, 1));

  const CurvatureProducts c = curvature_products(model, batch.x, batch.y, z, false);
  const auto zgz = f.quadratic.narrow(1, 0, n);
  m.eval_mode.images += b;
  add_all(m.eval_mode.fisher_trace, f.trace);
  add_all(m.eval_mode.hessian_trace, c.zhz.mean(1));
  add_all(m.eval_mode.fisher_quadratic, zgz.mean(1));
  add_paired(m.eval_mode, c.zhz, zgz);
  add_all(m.curvature_exact, c.hz.flatten(2).pow(2).sum(2).mean(1));

  std::vector<torch::Tensor> fd_sq;
  for (int64_t j = 0; j < n; ++j) {
    const auto d = finite_difference_hvp(model, batch.x, batch.y, z.select(1, j), o.eta);
    fd_sq.push_back(d.flatten(1).pow(2).sum(1));
    m.fd_error_sq += total((d - c.hz.select(1, j)).pow(2));
    m.exact_sq += total(c.hz.select(1, j).pow(2));
  }
  add_all(m.curvature, torch::stack(fd_sq, 1).mean(1));

  measure_radii(model, batch, f.loss, o, m);
  measure_kl(model, batch, f, xi, o, m);

  // Proposition 1 in train mode: BatchNorm normalises with the batch's statistics, which
  // are not piecewise linear in the images. BatchNorm cannot train on one image.
  if (o.train_mode_check && b >= 2) {
    BufferRestorer restore(model);
    model.train();
    const CurvatureProducts t = curvature_products(model, batch.x, batch.y, z, true);
    m.train_mode.images += b;
    add_all(m.train_mode.fisher_trace, t.zgz.mean(1));
    add_all(m.train_mode.hessian_trace, t.zhz.mean(1));
    add_all(m.train_mode.fisher_quadratic, t.zgz.mean(1));
    add_paired(m.train_mode, t.zhz.sum(0), t.zgz.sum(0));
  }
}

/// Calls f on every accumulated figure of `m` (a Mean, a double sum or an int64 count), in a
/// fixed order: what sharded ranks add up. The sigmas are settings, not sums.
template <typename F>
void for_each_sum(ModelLandscape& m, F&& f) {
  f(m.images);
  for (Mean* mean : {&m.loss, &m.accuracy, &m.gradient_norm, &m.curvature, &m.curvature_exact}) {
    f(*mean);
  }
  f(m.fd_error_sq);
  f(m.exact_sq);
  for (auto& r : m.radii) {
    f(r.loss_difference);
    f(r.accuracy);
  }
  for (auto* checks : {&m.eq8, &m.eq9}) {
    for (auto& k : *checks) {
      f(k.kl);
      f(k.predicted);
      f(k.paired);
    }
  }
  for (auto* p : {&m.eval_mode, &m.train_mode}) {
    f(p->images);
    f(p->fisher_trace);
    f(p->hessian_trace);
    f(p->fisher_quadratic);
    f(p->abs_difference);
    f(p->reference);
  }
}

struct PackSums {
  std::vector<double>& out;
  void operator()(const Mean& m) const {
    for (double s : m.sums()) out.push_back(s);
  }
  void operator()(double v) const { out.push_back(v); }
  void operator()(int64_t n) const { out.push_back(static_cast<double>(n)); }
};

struct UnpackSums {
  const double* in;
  void operator()(Mean& m) {
    m = Mean::from_sums({in[0], in[1], in[2]});
    in += 3;
  }
  void operator()(double& v) { v = *in++; }
  void operator()(int64_t& n) { n = static_cast<int64_t>(std::llround(*in++)); }
};

void sum_over_ranks(ModelLandscape& m, const distributed::EvalShards& shards) {
  std::vector<double> sums;
  for_each_sum(m, PackSums{sums});
  auto t = torch::tensor(sums, torch::kDouble);
  shards.all_reduce_sum(t);
  t = t.contiguous();
  UnpackSums unpack{t.data_ptr<double>()};
  for_each_sum(m, unpack);
}

// This process's images: every batch of `batch_size` in order, or under sharding the batches
// k with k % size == rank (a rank's last batch is short only if it is the split's last).
std::vector<int64_t> batch_order(int64_t n, int64_t batch_size,
                                 const distributed::EvalShards* shards) {
  const bool sharded = shards != nullptr && shards->size > 1;
  std::vector<int64_t> order;
  for (int64_t start = 0, k = 0; start < n; start += batch_size, ++k) {
    if (sharded && k % shards->size != shards->rank) continue;
    for (int64_t i = start; i < std::min(n, start + batch_size); ++i) order.push_back(i);
  }
  return order;
}

}  // namespace

ModelLandscape measure_landscape(models::ClassifierImpl& model, const data::ImageSet& images,
                                 const std::vector<int64_t>& positions,
                                 const LandscapeOptions& options, const torch::Device& device,
                                 Progress& progress, const std::string& label,
                                 const distributed::EvalShards* shards) {
  options.validate();
  DIGN_CHECK(positions.size() == static_cast<size_t>(images.size()),
             "measure_landscape: ", positions.size(), " positions for ", images.size(), " images");
  ModelLandscape m;
  m.radii.resize(options.radii.size());
  m.eq8.resize(options.sigmas.size());
  m.eq9.resize(options.sigmas.size());
  FrozenParameters frozen(model);
  model.eval();
  const auto order = batch_order(images.size(), options.batch_size, shards);
  data::BatchLoader loader(images, order, data::LoaderOptions().batch_size(options.batch_size),
                           nullptr);
  while (auto host = loader.next()) {
    Batch batch{host->images.to(device, torch::kFloat), host->labels.to(device), {}};
    for (int64_t k : host->indices) batch.positions.push_back(positions[static_cast<size_t>(k)]);
    measure_batch(model, batch, options, m);
    m.images += batch.x.size(0);
    progress.status(fmt::format("landscape {}: {}/{} images", label, m.images, order.size()));
  }
  model.eval();
  if (shards != nullptr && shards->size > 1) sum_over_ranks(m, *shards);
  return m;
}

}  // namespace dign::landscape
