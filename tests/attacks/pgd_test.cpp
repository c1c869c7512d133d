// PGD (attacks/pgd.h): the step by hand, the ball and the box, the loss raised, the best
// iterate kept, eval mode during the attack and the mode restored, no parameter gradients.
#include "attacks/pgd.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/torch_rng.h"
#include "objectives/test_models.h"

namespace dign::attacks {
namespace {

using testing::FixedLinearClassifier;

// Images with values at and near both ends of [0,1], so the box binds.
torch::Tensor images_of(int64_t n) {
  auto gen = make_generator(torch::kCPU, 5);
  auto x = at::empty({n, 3, 2, 2}, torch::kDouble).uniform_(0.0, 1.0, gen);
  x.index_put_({0}, 0.0);
  x.index_put_({1}, 1.0);
  return x;
}

torch::Tensor labels_of(int64_t n) {
  return torch::arange(n, torch::kLong).remainder(4);
}

torch::Tensor per_example_ce(FixedLinearClassifier& model, const torch::Tensor& x,
                             const torch::Tensor& y) {
  torch::NoGradGuard no_grad;
  return cross_entropy_of(y)(model.forward(x));
}

TEST(Pgd, OneStepFromZeroIsTheSignOfTheInputGradientByHand) {
  FixedLinearClassifier model;
  const auto x = images_of(6), y = labels_of(6);
  PgdSettings s;
  s.epsilon = 0.05;
  s.steps = 1;
  s.step_size = 0.03;
  auto gen = make_generator(torch::kCPU, 0);
  const auto adversarial = pgd(model, x, cross_entropy_of(y), s, gen);
  // d CE / d x = (softmax(W x + b) - onehot(y)) W for a linear model.
  torch::NoGradGuard no_grad;
  const auto& w = model.linear()->weight;
  const auto p = torch::softmax(model.forward(x), 1);
  const auto grad = torch::matmul(p - torch::one_hot(y, 4).to(torch::kDouble), w).view(x.sizes());
  const auto expected = (x + 0.03 * grad.sign()).clamp(0, 1);
  EXPECT_TRUE(torch::allclose(adversarial, expected, 0, 1e-15));
}

TEST(Pgd, StaysInTheLinfBallAndInZeroOne) {
  FixedLinearClassifier model;
  const auto x = images_of(8), y = labels_of(8);
  PgdSettings s;
  s.epsilon = 0.1;
  s.steps = 10;
  s.step_size = 0.05;
  s.start = Start::uniform;
  auto gen = make_generator(torch::kCPU, 1);
  const auto adversarial = pgd(model, x, cross_entropy_of(y), s, gen);
  EXPECT_LE((adversarial - x).abs().max().item<double>(), 0.1 + 1e-12);
  EXPECT_GE(adversarial.min().item<double>(), 0.0);
  EXPECT_LE(adversarial.max().item<double>(), 1.0);
  // Ten steps of half the radius reach the boundary where the box allows it.
  EXPECT_NEAR((adversarial[4] - x[4]).abs().max().item<double>(), 0.1, 1e-12);
}

TEST(Pgd, StaysInTheL2BallAndInZeroOne) {
  FixedLinearClassifier model;
  const auto x = images_of(8), y = labels_of(8);
  PgdSettings s;
  s.epsilon = 0.3;
  s.steps = 10;
  s.step_size = 0.1;
  s.norm = Norm::l2;
  s.start = Start::uniform;
  auto gen = make_generator(torch::kCPU, 2);
  const auto adversarial = pgd(model, x, cross_entropy_of(y), s, gen);
  const auto norms = (adversarial - x).flatten(1).norm(2, 1);
  EXPECT_LE(norms.max().item<double>(), 0.3 + 1e-12);
  EXPECT_GT(norms.max().item<double>(), 0.25);  // it moved
  EXPECT_GE(adversarial.min().item<double>(), 0.0);
  EXPECT_LE(adversarial.max().item<double>(), 1.0);
}

TEST(Pgd, RaisesTheLossOfEveryExampleOverTheCleanInput) {
  FixedLinearClassifier model;
  const auto x = images_of(8), y = labels_of(8);
  PgdSettings s;  // the paper's training attack: 8/255, 7 steps, zero start
  auto gen = make_generator(torch::kCPU, 3);
  const auto adversarial = pgd(model, x, cross_entropy_of(y), s, gen);
  const auto clean = per_example_ce(model, x, y), attacked = per_example_ce(model, adversarial, y);
  // CE is convex in x for a linear model, so no step up its gradient lowers it; it rises
  // strictly unless the box stops every coordinate (images 0 and 1 sit on its faces).
  EXPECT_TRUE((attacked >= clean).all().item<bool>()) << clean << attacked;
  EXPECT_TRUE((attacked.slice(0, 2) > clean.slice(0, 2)).all().item<bool>()) << clean << attacked;
}

TEST(Pgd, KeepBestReturnsEachExamplesHighestLossIterate) {
  // A step far larger than the ball makes the iterates jump between corners, so the last
  // one need not be the best; the kept one is at least as bad for the model as the last.
  FixedLinearClassifier model;
  const auto x = images_of(8), y = labels_of(8);
  PgdSettings s;
  s.epsilon = 0.2;
  s.steps = 6;
  s.step_size = 0.4;
  s.start = Start::uniform;
  auto gen_last = make_generator(torch::kCPU, 4), gen_best = make_generator(torch::kCPU, 4);
  const auto last = pgd(model, x, cross_entropy_of(y), s, gen_last);
  s.keep_best = true;
  const auto best = pgd(model, x, cross_entropy_of(y), s, gen_best);
  EXPECT_TRUE(
      (per_example_ce(model, best, y) >= per_example_ce(model, last, y)).all().item<bool>());
  EXPECT_LE((best - x).abs().max().item<double>(), 0.2 + 1e-12);
}

// Records whether it was called in training mode.
class ModeRecorder : public FixedLinearClassifier {
 public:
  torch::Tensor forward(torch::Tensor images) override {
    saw_training = saw_training || is_training();
    return FixedLinearClassifier::forward(images);
  }
  bool saw_training = false;
};

TEST(Pgd, AttacksInEvalModeRestoresTrainModeAndLeavesNoParameterGradients) {
  ModeRecorder model;
  const auto x = images_of(4), y = labels_of(4);
  auto gen = make_generator(torch::kCPU, 5);
  pgd(model, x, cross_entropy_of(y), PgdSettings{}, gen);
  EXPECT_FALSE(model.saw_training);
  EXPECT_TRUE(model.is_training());
  for (const auto& p : model.parameters()) EXPECT_FALSE(p.grad().defined());
}

TEST(Pgd, RandomStartIsAFunctionOfTheGenerator) {
  FixedLinearClassifier model;
  const auto x = images_of(4), y = labels_of(4);
  PgdSettings s;  // one short step, so the start shows (longer attacks on a linear model all
  s.steps = 1;    // end in the same corner of the ball)
  s.step_size = 0.001;
  s.start = Start::uniform;
  auto a = make_generator(torch::kCPU, 6), b = make_generator(torch::kCPU, 6),
       c = make_generator(torch::kCPU, 7);
  const auto ra = pgd(model, x, cross_entropy_of(y), s, a);
  EXPECT_TRUE(torch::equal(ra, pgd(model, x, cross_entropy_of(y), s, b)));
  EXPECT_FALSE(torch::equal(ra, pgd(model, x, cross_entropy_of(y), s, c)));
}

TEST(Pgd, NormNamesAreCheckedNamingTheField) {
  EXPECT_EQ(norm_named("linf", "attack_norm"), Norm::linf);
  EXPECT_EQ(norm_named("l2", "attack_norm"), Norm::l2);
  try {
    norm_named("l3", "attack_norm");
    FAIL();
  } catch (const OptionError& e) {
    EXPECT_EQ(e.field(), "attack_norm");
  }
}

}  // namespace
}  // namespace dign::attacks
