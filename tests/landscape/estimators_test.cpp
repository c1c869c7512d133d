// The estimators of section 3 against closed forms. For a linear softmax model f(x) = W x + b
// with p = softmax(f):
//   grad_x L = W^T (p - e_y),   H = G = W^T (diag(p) - p p^T) W   (the logits are linear),
//   Tr G = sum_k p_k ||W_k||^2 - ||W^T p||^2,   Tr(H^T H) = ||H||_F^2.
// And a quadratic loss, whose gradient and Hessian are A x and A.
// Everything in double unless the test says fp32.
#include <gtest/gtest.h>

#include "landscape/estimators.h"
#include "landscape_models.h"
#include "objectives/test_models.h"

namespace dign::landscape {
namespace {

using testing::FixedLinearClassifier;

struct ClosedForm {
  torch::Tensor gradient;  // [B,12]
  torch::Tensor hessian;   // [B,12,12]
};

ClosedForm closed_form(FixedLinearClassifier& model, const torch::Tensor& x,
                       const torch::Tensor& y) {
  const auto w = model.linear()->weight.detach();  // [4,12]
  const auto p = torch::softmax(model.forward(x).detach(), 1);
  const auto onehot = torch::one_hot(y, 4).to(p.dtype());
  ClosedForm c;
  c.gradient = torch::matmul(p - onehot, w);
  const auto a = torch::diag_embed(p) - p.unsqueeze(2) * p.unsqueeze(1);  // [B,4,4]
  c.hessian = torch::matmul(torch::matmul(w.t(), a), w);
  return c;
}

torch::Tensor quadratic(const torch::Tensor& h, const torch::Tensor& v) {  // v^T H v, [B]
  return torch::matmul(torch::matmul(v.unsqueeze(1), h), v.unsqueeze(2)).flatten();
}

TEST(LandscapeEstimators, LinearModelGradientAndFisherTraceMatchTheClosedForm) {
  FixedLinearClassifier model;
  model.eval();
  const auto batch = testing::small_batch(6);
  const auto c = closed_form(model, batch.images, batch.labels);
  auto generator = make_generator(torch::kCPU, 1);
  const auto v = torch::randn({6, 3, 3, 2, 2}, generator, torch::kDouble);
  FrozenParameters frozen(model);
  const auto f = fisher_products(model, batch.images, batch.labels, v);
  EXPECT_TRUE(torch::allclose(f.gradient.flatten(1), c.gradient, 1e-12, 1e-12));
  const auto trace = c.hessian.diagonal(0, 1, 2).sum(1);
  EXPECT_TRUE(torch::allclose(f.trace, trace, 1e-12, 1e-12)) << f.trace << trace;
  for (int64_t j = 0; j < 3; ++j) {
    const auto vj = v.select(1, j).flatten(1);
    EXPECT_TRUE(torch::allclose(f.quadratic.select(1, j), quadratic(c.hessian, vj), 1e-10, 1e-12));
  }
  // The loss the gradient belongs to, and the first-order term's norm.
  const auto ce = torch::nll_loss(torch::log_softmax(model.forward(batch.images), 1), batch.labels,
                                  {}, at::Reduction::None);
  EXPECT_TRUE(torch::allclose(f.loss, ce.detach(), 1e-12, 1e-12));
  EXPECT_TRUE(torch::allclose(loss_gradient(model, batch.images, batch.labels).flatten(1),
                              c.gradient, 1e-12, 1e-12));
}

TEST(LandscapeEstimators, LinearModelHessianVectorProductsAreExactAndHEqualsG) {
  FixedLinearClassifier model;
  model.eval();
  const auto batch = testing::small_batch(5);
  const auto c = closed_form(model, batch.images, batch.labels);
  auto generator = make_generator(torch::kCPU, 2);
  const auto z = torch::randn({5, 4, 3, 2, 2}, generator, torch::kDouble);
  FrozenParameters frozen(model);
  const auto products = curvature_products(model, batch.images, batch.labels, z, true);
  for (int64_t j = 0; j < 4; ++j) {
    const auto zj = z.select(1, j).flatten(1);
    const auto hz = torch::matmul(c.hessian, zj.unsqueeze(2)).squeeze(2);
    EXPECT_TRUE(torch::allclose(products.hz.select(1, j).flatten(1), hz, 1e-10, 1e-12));
    EXPECT_TRUE(torch::allclose(products.zhz.select(1, j), quadratic(c.hessian, zj), 1e-10, 1e-12));
    // Proposition 1: z^T H z = z^T G z for every probe, not only on average.
    EXPECT_TRUE(
        torch::allclose(products.zgz.select(1, j), products.zhz.select(1, j), 1e-10, 1e-12));
  }
}

TEST(LandscapeEstimators, CentredDifferencesEstimateHzWhateverEta) {
  FixedLinearClassifier model;
  model.eval();
  const auto batch = testing::small_batch(4);
  const auto c = closed_form(model, batch.images, batch.labels);
  auto generator = make_generator(torch::kCPU, 3);
  const auto z = torch::randn({4, 3, 2, 2}, generator, torch::kDouble);
  const auto hz = torch::matmul(c.hessian, z.flatten(1).unsqueeze(2)).squeeze(2);
  FrozenParameters frozen(model);
  for (double eta : {1e-2, 1e-3, 1e-4}) {
    const auto d = finite_difference_hvp(model, batch.images, batch.labels, z, eta).flatten(1);
    // The truncation error is O(eta^2) relative: below eta at every eta tried.
    EXPECT_LT(((d - hz).norm() / hz.norm()).item<double>(), eta) << eta;
    // The consistent form does not scale with eta; the paper's printed form 2 eta ||d||^2 does.
    EXPECT_NEAR(d.pow(2).sum().item<double>(), hz.pow(2).sum().item<double>(),
                1e-3 * hz.pow(2).sum().item<double>());
  }
  // fp32, the tool's precision, at the default eta.
  model.to(torch::kFloat);
  const auto d32 = finite_difference_hvp(model, batch.images.to(torch::kFloat), batch.labels,
                                         z.to(torch::kFloat), 1e-3)
                       .flatten(1)
                       .to(torch::kDouble);
  EXPECT_LT(((d32 - hz).norm() / hz.norm()).item<double>(), 1e-3);
}

TEST(LandscapeEstimators, CentredDifferencesAverageToTheSquaredFrobeniusNorm) {
  // One image, 20000 probes: (1/n) sum ||d_i||^2 -> Tr(H^T H) = ||H||_F^2. For Gaussian z the
  // per-probe relative spread is sqrt(2 ||H^T H||_F^2) / Tr(H^T H) <= sqrt(2), so the mean's
  // is below 1%; allow 4%.
  FixedLinearClassifier model;
  model.eval();
  const auto batch = testing::small_batch(1);
  const auto c = closed_form(model, batch.images, batch.labels);
  const double frobenius = c.hessian.pow(2).sum().item<double>();
  const int64_t n = 20000;
  auto generator = make_generator(torch::kCPU, 4);
  const auto z = torch::randn({n, 3, 2, 2}, generator, torch::kDouble);
  FrozenParameters frozen(model);
  const auto d = finite_difference_hvp(model, batch.images.expand({n, 3, 2, 2}),
                                       batch.labels.expand({n}), z, 1e-3);
  EXPECT_NEAR(d.flatten(1).pow(2).sum(1).mean().item<double>(), frobenius, 0.04 * frobenius);
}

// A quadratic loss through the cross-entropy: logits (-q(x), 200) with q(x) = 1/2 x^T A x and
// label 0 give L = log(e^-q + e^200) + q = 200 + q + log(1 + e^(-q-200)): q + 200 to within
// e^-100 wherever |q| < 100, so grad_x L = A x and H = A (A symmetric). Centred differences of a
// quadratic's gradient are exact at every eta, and ||H||_F^2 is known without sampling.
class QuadraticLoss : public models::ClassifierImpl {
 public:
  explicit QuadraticLoss(torch::Tensor a) : a_(std::move(a)) {}
  torch::Tensor forward(torch::Tensor images) override {
    const auto x = images.flatten(1);
    const auto q = 0.5 * (torch::matmul(x, a_) * x).sum(1);
    return torch::stack({-q, torch::full_like(q, 200.0)}, 1);
  }

 private:
  torch::Tensor a_;
};

TEST(LandscapeEstimators, QuadraticLossGradientAndCurvatureMatchTheClosedForm) {
  auto generator = make_generator(torch::kCPU, 6);
  const auto m = torch::randn({12, 12}, generator, torch::kDouble);
  const auto a = (m + m.t()) / 2;
  QuadraticLoss model(a);
  model.eval();
  const auto x = testing::small_batch(4).images;
  const auto y = torch::zeros({4}, torch::kLong);
  const auto ax = torch::matmul(x.flatten(1), a);
  EXPECT_TRUE(torch::allclose(loss_gradient(model, x, y).flatten(1), ax, 1e-12, 1e-12));
  const auto z = torch::randn({4, 3, 2, 2}, generator, torch::kDouble);
  const auto az = torch::matmul(z.flatten(1), a);
  for (double eta : {1e-3, 0.1, 1.0}) {  // exact whatever eta, up to rounding
    const auto d = finite_difference_hvp(model, x, y, z, eta).flatten(1);
    EXPECT_TRUE(torch::allclose(d, az, 1e-7, 1e-9)) << eta;
  }
  const auto exact = curvature_products(model, x, y, z.unsqueeze(1), false);
  EXPECT_TRUE(torch::allclose(exact.hz.flatten(2).squeeze(1), az, 1e-12, 1e-12));
  EXPECT_TRUE(torch::allclose(exact.zhz.squeeze(1), (z.flatten(1) * az).sum(1), 1e-10, 1e-12));
  // (1/n) sum ||A z_i||^2 -> ||A||_F^2 (relative spread of the mean below 1% at n = 20000).
  const int64_t n = 20000;
  const auto probes = torch::randn({n, 3, 2, 2}, generator, torch::kDouble);
  const auto d = finite_difference_hvp(model, x.select(0, 0).expand({n, 3, 2, 2}),
                                       torch::zeros({n}, torch::kLong), probes, 0.1);
  const double frobenius = a.pow(2).sum().item<double>();
  EXPECT_NEAR(d.flatten(1).pow(2).sum(1).mean().item<double>(), frobenius, 0.04 * frobenius);
}

TEST(LandscapeEstimators, DirectionsHaveUnitNormAndDependOnTheImageAlone) {
  const std::vector<int64_t> shape = {3, 4, 4};
  const auto u = unit_directions({3, 7, 11}, shape, 9, 0);
  ASSERT_EQ(u.sizes(), (std::vector<int64_t>{3, 3, 4, 4}));
  for (double eps : {0.5, 2.0, 8.0}) {
    const auto delta = eps * u;  // ||delta||_2 = eps
    EXPECT_TRUE(torch::allclose(delta.flatten(1).norm(2, 1), torch::full({3}, eps), 1e-6, 0));
  }
  // Image 7's direction whatever batch it sits in; the same again for the same seed.
  EXPECT_TRUE(torch::equal(unit_directions({7}, shape, 9, 0)[0], u[1]));
  EXPECT_TRUE(torch::equal(unit_directions({3, 7, 11}, shape, 9, 0), u));
  EXPECT_FALSE(torch::equal(unit_directions({3, 7, 11}, shape, 10, 0), u));
  EXPECT_FALSE(torch::equal(unit_directions({3, 7, 11}, shape, 9, 1), u));
  EXPECT_FALSE(torch::equal(u[0], u[1]));
}

double paired_difference(models::ClassifierImpl& model, bool train) {
  auto generator = make_generator(torch::kCPU, 6);
  const auto x = torch::rand({8, 3, 2, 2}, generator, torch::kDouble);
  const auto y = torch::arange(8).remainder(4);
  const auto z = torch::randn({8, 6, 3, 2, 2}, generator, torch::kDouble);
  model.to(torch::kDouble);
  model.train(train);
  FrozenParameters frozen(model);
  const auto c = curvature_products(model, x, y, z, true);
  // Batch totals per probe: with BatchNorm in train mode the batch is one input.
  return ((c.zhz.sum(0) - c.zgz.sum(0)).abs().sum() / c.zgz.sum()).item<double>();
}

TEST(LandscapeEstimators, HessianEqualsFisherForReluInEvalModeOnly) {
  testing::SmallMlp relu(false, false), softplus(true, false), relu_bn(false, true);
  // Piecewise-linear logits: H = J^T (diag p - p p^T) J = G along every probe.
  EXPECT_LT(paired_difference(relu, false), 1e-10);
  EXPECT_LT(paired_difference(relu_bn, false), 1e-10);  // BatchNorm in eval mode is affine
  // A smooth activation adds sum_k (p_k - y_k) d^2 f_k / dx^2; BatchNorm on batch statistics
  // divides by a standard deviation that depends on x. Both break Proposition 1.
  EXPECT_GT(paired_difference(softplus, false), 1e-2);
  EXPECT_GT(paired_difference(relu_bn, true), 1e-2);
}

TEST(LandscapeEstimators, FisherQuadraticFormsAgreeBetweenPerClassAndJacobianProducts) {
  testing::SmallMlp softplus(true, false);
  softplus.to(torch::kDouble);
  softplus.eval();
  auto generator = make_generator(torch::kCPU, 7);
  const auto x = torch::rand({5, 3, 2, 2}, generator, torch::kDouble);
  const auto y = torch::arange(5).remainder(4);
  const auto z = torch::randn({5, 3, 3, 2, 2}, generator, torch::kDouble);
  FrozenParameters frozen(softplus);
  const auto f = fisher_products(softplus, x, y, z);
  const auto c = curvature_products(softplus, x, y, z, true);
  EXPECT_TRUE(torch::allclose(f.quadratic, c.zgz, 1e-10, 1e-12));
}

TEST(LandscapeEstimators, GuardsRestoreParametersBuffersAndMode) {
  testing::SmallMlp model(false, true);
  model.eval();
  const auto before = model.named_buffers()["norm.running_mean"].clone();
  {
    FrozenParameters frozen(model);
    BufferRestorer restore(model);
    for (const auto& p : model.parameters()) EXPECT_FALSE(p.requires_grad());
    model.train();
    model.forward(torch::rand({4, 12}));  // updates the running statistics
    EXPECT_FALSE(torch::equal(model.named_buffers()["norm.running_mean"], before));
  }
  EXPECT_TRUE(torch::equal(model.named_buffers()["norm.running_mean"], before));
  EXPECT_FALSE(model.is_training());
  for (const auto& p : model.parameters()) EXPECT_TRUE(p.requires_grad());
}

}  // namespace
}  // namespace dign::landscape
