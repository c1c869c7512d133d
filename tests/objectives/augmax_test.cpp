// AugMax (objectives/augmax.h, attacks/augmax_search.h): the mixture's closed forms, the
// search's domain and ascent, its loss from the definition, options.
#include <gtest/gtest.h>

#include <cmath>

#include "attacks/augmax_search.h"
#include "core/torch_rng.h"
#include "models/dual_norm.h"
#include "models/registry.h"
#include "objectives/augmax.h"
#include "objectives/divergence.h"
#include "objectives/method.h"
#include "objectives/registry.h"
#include "objectives/test_models.h"
#include "test_util.h"

namespace dign::objectives {
namespace {

using testing::FixedLinearClassifier;

/// Chains [n,3,3,2,2] in double, U(0,1) from a fixed seed.
torch::Tensor chains_of(int64_t n, uint64_t seed) {
  auto gen = make_generator(torch::kCPU, seed);
  return at::empty({n, kAugMaxChainCount, 3, 2, 2}, torch::kDouble).uniform_(0.0, 1.0, gen);
}

/// The loader's layout of the chains: stacked top to bottom, [n,3,k*2,2].
torch::Tensor stacked(const torch::Tensor& chains) {
  return chains.permute({0, 2, 1, 3, 4}).reshape({chains.size(0), 3, -1, chains.size(4)});
}

TEST(AugMaxMix, ClosedForms) {
  const auto batch = testing::small_batch(4);
  const auto chains = chains_of(4, 2);
  const auto zero = torch::zeros({4}, torch::kDouble), one = torch::ones({4}, torch::kDouble);
  const auto flat = torch::zeros({4, 3}, torch::kDouble);
  // m = 0: the image; m = 1 with equal logits: the chains' mean.
  EXPECT_TRUE(torch::allclose(attacks::augmax_mix(batch.images, chains, zero, flat), batch.images));
  EXPECT_TRUE(
      torch::allclose(attacks::augmax_mix(batch.images, chains, one, flat), chains.mean(1)));
  // A dominant logit picks its chain; m = 1/2 halves the way.
  auto q = torch::zeros({4, 3}, torch::kDouble);
  q.select(1, 2).fill_(100.0);
  EXPECT_TRUE(torch::allclose(attacks::augmax_mix(batch.images, chains, 0.5 * one, q),
                              0.5 * batch.images + 0.5 * chains.select(1, 2)));
}

TEST(AugMaxSearch, StaysInItsDomainRaisesTheLossAndLeavesNoParameterGradients) {
  FixedLinearClassifier model;
  const auto batch = testing::small_batch(64);
  const auto chains = chains_of(64, 3);
  auto loss_at = [&](const torch::Tensor& m, const torch::Tensor& q) {
    torch::NoGradGuard no_grad;
    return cross_entropy(model.forward(attacks::augmax_mix(batch.images, chains, m, q)),
                         batch.labels)
        .item<double>();
  };
  // The start the search draws, replayed.
  auto replay = make_generator(torch::kCPU, 6);
  const auto m0 = at::empty({64}, torch::kDouble).uniform_(0.0, 1.0, replay);
  const auto q0 = at::empty({64, 3}, torch::kDouble).uniform_(0.0, 1.0, replay);

  auto gen = make_generator(torch::kCPU, 6);
  const auto found = attacks::augmax_search(model, batch.images, chains, batch.labels, {}, gen);
  EXPECT_TRUE(model.is_training());
  for (const auto& p : model.parameters()) EXPECT_FALSE(p.grad().defined());
  EXPECT_GE(found.m.min().item<double>(), 0.0);
  EXPECT_LE(found.m.max().item<double>(), 1.0);
  EXPECT_GE(found.images.min().item<double>(), 0.0);
  EXPECT_LE(found.images.max().item<double>(), 1.0);
  EXPECT_FALSE(found.images.requires_grad());
  EXPECT_TRUE(
      torch::allclose(found.images, attacks::augmax_mix(batch.images, chains, found.m, found.q)));
  // On average over the batch the 10 signed steps raise the cross-entropy (not per image:
  // sign ascent from a random start).
  EXPECT_GT(loss_at(found.m, found.q), loss_at(m0, q0) + 0.01);
  // Zero steps: the start itself.
  auto again = make_generator(torch::kCPU, 6);
  const auto none = attacks::augmax_search(model, batch.images, chains, batch.labels,
                                           attacks::AugMaxSettings{0, 0.1}, again);
  EXPECT_TRUE(torch::allclose(none.m, m0));
  EXPECT_TRUE(torch::allclose(none.q, q0));
}

TEST(AugMaxObjective, LossIsCleanCrossEntropyPlusTwelveTimesJsOverCleanAugMixAndAugMax) {
  FixedLinearClassifier model;
  Batch batch = testing::small_batch(6);
  const auto chains = chains_of(6, 4);
  auto gen = make_generator(torch::kCPU, 9);
  batch.views[kAugMixViews[0]] = at::empty({6, 3, 2, 2}, torch::kDouble).uniform_(0.0, 1.0, gen);
  batch.views[kAugMaxChains] = stacked(chains);

  auto objective = make_objective(MethodConfig{AugMaxOptions()});
  auto run_gen = make_generator(torch::kCPU, 12);
  const auto out = objective->compute(model, batch, run_gen);

  auto replay = make_generator(torch::kCPU, 12);
  const auto found = attacks::augmax_search(model, batch.images, chains, batch.labels, {}, replay);
  const auto clean = model.forward(batch.images);
  const auto augmix = model.forward(batch.views.at(kAugMixViews[0]));
  const auto augmax = model.forward(found.images);
  const double ce = cross_entropy(clean, batch.labels).item<double>();
  const double js = jensen_shannon({clean, augmix, augmax}).mean().item<double>();
  EXPECT_GT(js, 1e-3);
  EXPECT_NEAR(out.loss.item<double>(), ce + 12.0 * js, 1e-12);
}

/// ResNet-18 --norm dubin at width 4 for 4 classes, from a fixed seed, with every auxiliary
/// BatchNorm's affine and running statistics moved off the main one's, so that the route shows
/// in train and in eval mode.
models::Classifier dubin_model() {
  auto model = models::make_model(models::ResNet18Options().width(4).norm("dubin"),
                                  models::ModelData().num_classes(4));
  auto generator = make_generator(torch::kCPU, 5);
  model->reset_parameters(generator);
  torch::NoGradGuard no_grad;
  for (auto& item : model->named_parameters()) {
    if (testing::contains(item.key(), "auxiliary.")) item.value().uniform_(0.5, 1.5, generator);
  }
  for (auto& item : model->named_buffers()) {
    if (!testing::contains(item.key(), "auxiliary.running_")) continue;
    item.value().uniform_(testing::contains(item.key(), "mean") ? -0.2 : 0.8, 1.2, generator);
  }
  model->train();
  return model;
}

/// 4 images [4,3,8,8] with an AugMix view and AugMax's chains, from a fixed seed.
Batch dubin_batch() {
  auto generator = make_generator(torch::kCPU, 8);
  Batch batch{torch::rand({4, 3, 8, 8}, generator), torch::arange(4, torch::kLong)};
  batch.views[kAugMixViews[0]] = torch::rand({4, 3, 8, 8}, generator);
  batch.views[kAugMaxChains] = stacked(torch::rand({4, kAugMaxChainCount, 3, 8, 8}, generator));
  return batch;
}

int64_t tracked(const models::Classifier& model, const std::string& bn) {
  return model->named_buffers()[bn + ".num_batches_tracked"].item<int64_t>();
}

TEST(AugMaxObjective, WithDubinTheAugMaxViewTakesTheAuxiliaryBatchNormsTheOthersTheMain) {
  // augmax_training_ddp.py:256-281: route A for the search and the AugMax forward, route M for
  // the AugMix and clean forwards. Replayed by hand on a copy of the model.
  auto model = dubin_model(), replay = dubin_model();
  const Batch batch = dubin_batch();
  auto objective = make_objective(MethodConfig{AugMaxOptions()});
  auto gen = make_generator(torch::kCPU, 12);
  const auto out = objective->compute(*model, batch, gen);

  auto replay_gen = make_generator(torch::kCPU, 12);
  torch::Tensor augmax;
  {
    models::NormRouteGuard auxiliary(*replay, models::NormRoute::auxiliary);
    const auto& stack = batch.view(kAugMaxChains);
    const auto chains = stack.view({4, 3, kAugMaxChainCount, 8, 8}).permute({0, 2, 1, 3, 4});
    const auto found =
        attacks::augmax_search(*replay, batch.images, chains, batch.labels, {}, replay_gen);
    augmax = replay->forward(found.images);
  }
  const auto augmix = replay->forward(batch.view(kAugMixViews[0]));
  const auto clean = replay->forward(batch.images);
  const double expected =
      (cross_entropy(clean, batch.labels) + 12.0 * jensen_shannon({clean, augmix, augmax}).mean())
          .item<double>();
  EXPECT_NEAR(out.loss.item<double>(), expected, 1e-5);
  // The search ran in eval mode (no statistics); the training forwards: AugMax once through the
  // auxiliary BatchNorms, AugMix and clean through the main ones.
  for (const char* layer : {"stem_bn", "stages.0.bn1.batch_norm", "stages.7.bn2"}) {
    EXPECT_EQ(tracked(model, std::string(layer) + ".auxiliary"), 1) << layer;
    EXPECT_EQ(tracked(model, std::string(layer) + ".main"), 2) << layer;
  }
  // Afterwards every dual layer is on the main route: evaluation uses the main BatchNorms.
  for (const auto& m : model->modules()) {
    if (auto* dual = m->as<models::DualBatchNorm2d>()) {
      EXPECT_EQ(dual->route(), models::NormRoute::main);
    }
  }
  model->eval();
  torch::NoGradGuard no_grad;
  const auto evaluated = model->forward(batch.images);
  models::NormRouteGuard auxiliary(*model, models::NormRoute::auxiliary);
  EXPECT_GT((evaluated - model->forward(batch.images)).abs().max().item<double>(), 1e-4);
}

TEST(AugMaxObjective, WithDubinTheCleanLossTrainsOnlyTheMainBatchNorms) {
  // js_weight 0: the loss is the clean view's cross-entropy, which never meets an auxiliary
  // BatchNorm: their gradients are exactly 0, while the main ones and InstanceNorm's move.
  auto model = dubin_model();
  auto options = AugMaxOptions();
  options.augmix().js_weight(0.0);
  auto objective = make_objective(MethodConfig{options});
  auto gen = make_generator(torch::kCPU, 12);
  objective->compute(*model, dubin_batch(), gen).loss.backward();
  for (const auto& item : model->named_parameters()) {
    const auto& grad = item.value().grad();
    const double size = grad.defined() ? grad.abs().max().item<double>() : 0.0;
    if (testing::contains(item.key(), "auxiliary.")) {
      EXPECT_EQ(size, 0.0) << item.key();
    } else if (testing::contains(item.key(), "main.") ||
               testing::contains(item.key(), "instance_norm.")) {
      EXPECT_GT(size, 0.0) << item.key();
    }
  }
  // With the JS term the AugMax view trains the auxiliary ones too.
  auto both = dubin_model();
  auto full = make_objective(MethodConfig{AugMaxOptions()});
  auto gen2 = make_generator(torch::kCPU, 12);
  full->compute(*both, dubin_batch(), gen2).loss.backward();
  const auto aux = both->named_parameters()["stages.0.bn1.batch_norm.auxiliary.weight"].grad();
  ASSERT_TRUE(aux.defined());
  EXPECT_GT(aux.abs().max().item<double>(), 0.0);
}

TEST(AugMaxObjective, WithDubinAndConcatViewsTheAugMaxViewIsAForwardOfItsOwn) {
  auto model = dubin_model();
  auto objective = make_objective(MethodConfig{AugMaxOptions().concat_views(true)});
  auto gen = make_generator(torch::kCPU, 12);
  const auto out = objective->compute(*model, dubin_batch(), gen);
  EXPECT_TRUE(std::isfinite(out.loss.item<double>()));
  // One forward of AugMix + clean joined (main), one of AugMax alone (auxiliary).
  EXPECT_EQ(tracked(model, "stem_bn.main"), 1);
  EXPECT_EQ(tracked(model, "stem_bn.auxiliary"), 1);
}

TEST(AugMaxOptions, ViewsTraitsAndFieldErrors) {
  const MethodConfig augmax = MethodConfig::named("augmax");
  const auto views = augmax.views();
  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(views[0].name, "augmix_1");
  EXPECT_EQ(views[1].name, "augmax_chains");
  EXPECT_EQ(views[1].stacked, 3);
  EXPECT_EQ(augmax.forward_passes(), 3);
  EXPECT_EQ(augmax.attack_passes(), 10);
  EXPECT_TRUE(augmax.routes_auxiliary_norm());  // the one method --norm dubin trains
  EXPECT_FALSE(MethodConfig::named("augmix").routes_auxiliary_norm());
  auto field_of = [](const MethodConfig& c) { return testing::option_error_field(c); };
  EXPECT_EQ(field_of({AugMaxOptions().augmax_steps(-1)}), "augmax_steps");
  EXPECT_EQ(field_of({AugMaxOptions().augmax_step_size(-0.1)}), "augmax_step_size");
  EXPECT_EQ(field_of({AugMaxOptions()}), "none");
}

}  // namespace
}  // namespace dign::objectives
