// training_step and its hooks (train/step.h, train/hooks.h): after_backward runs once per
// step, finite or not, and agree_finite has the last word on whether the optimizer steps.
#include "train/step.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "core/torch_rng.h"
#include "objectives/registry.h"
#include "objectives/test_models.h"
#include "test_util.h"

namespace dign::train {
namespace {

using testing::LinearClassifier;

/// Records the order of its calls, the gradients after_backward saw and what agree_finite was
/// handed; answers `answer` when set, else what it was handed (the default hooks' answer).
class RecordingHooks : public TrainerHooks {
 public:
  explicit RecordingHooks(std::optional<bool> answer = std::nullopt) : answer_(answer) {}
  void after_backward(models::ClassifierImpl& model) override {
    calls.push_back("after_backward");
    auto& linear = dynamic_cast<LinearClassifier&>(model).linear();
    bias_grads.push_back(linear->bias.grad().defined() ? linear->bias.grad().clone()
                                                       : torch::Tensor());
  }
  bool agree_finite(bool finite) override {
    calls.push_back("agree_finite");
    handed.push_back(finite);
    return answer_.value_or(finite);
  }
  std::vector<std::string> calls;
  std::vector<torch::Tensor> bias_grads;
  std::vector<bool> handed;

 private:
  std::optional<bool> answer_;
};

/// Linear 12 -> 2 with all weights and biases 0, SGD at lr 0.1 with momentum 0.9, two 2x2 images
/// of value 0.5 both labelled 0. Logits (0, 0): p = (1/2, 1/2), cross-entropy ln 2; the bias
/// gradient is the batch mean of p - onehot = (-1/2, 1/2). The first step's momentum buffer is
/// the gradient itself, so it moves the bias to (0.05, -0.05); after it, even a step with zero
/// gradients would move the parameters (by 0.9 x the buffer): a step wrongly taken shows.
struct StepSetup {
  StepSetup() {
    torch::NoGradGuard no_grad;
    model.linear()->weight.zero_();
    model.linear()->bias.zero_();
  }
  LinearClassifier model{12, 2};
  std::unique_ptr<objectives::Objective> objective =
      objectives::make_objective(objectives::MethodConfig::named("standard"));
  torch::optim::SGD optimizer{model.parameters(), torch::optim::SGDOptions(0.1).momentum(0.9)};
  objectives::Batch batch{torch::full({2, 3, 2, 2}, 0.5), torch::zeros({2}, torch::kLong)};
  torch::Generator generator = make_generator(torch::kCPU, 0);

  StepResult step(TrainerHooks& hooks, bool poison = false) {
    return training_step(model, *objective, optimizer, batch, generator, Precision::kFp32, hooks,
                         poison);
  }
  std::vector<torch::Tensor> parameters() {
    std::vector<torch::Tensor> copies;
    for (const auto& p : model.parameters()) copies.push_back(p.detach().clone());
    return copies;
  }
  bool parameters_equal(const std::vector<torch::Tensor>& before) {
    const auto now = model.parameters();
    for (size_t i = 0; i < before.size(); ++i) {
      if (!torch::equal(now[i], before[i])) return false;
    }
    return true;
  }
};

TEST(TrainingStep, FiniteStepRunsAfterBackwardOnceThenAgreesThenSteps) {
  StepSetup s;
  RecordingHooks hooks;
  const StepResult r = s.step(hooks);
  EXPECT_EQ(hooks.calls, (std::vector<std::string>{"after_backward", "agree_finite"}));
  EXPECT_EQ(hooks.handed, std::vector<bool>{true});
  EXPECT_TRUE(r.finite);
  EXPECT_NEAR(r.loss, std::log(2.0), 1e-6);
  // after_backward sees the gradients of this step: (-1/2, 1/2).
  ASSERT_TRUE(hooks.bias_grads[0].defined());
  EXPECT_TRUE(torch::allclose(hooks.bias_grads[0], torch::tensor({-0.5f, 0.5f})));
  // The optimizer stepped: bias = 0 - 0.1 * (-1/2, 1/2).
  EXPECT_TRUE(torch::allclose(s.model.linear()->bias.detach(), torch::tensor({0.05f, -0.05f})));
}

TEST(TrainingStep, NonFiniteLossStillRunsAfterBackwardOnceWithZeroGradients) {
  StepSetup s;
  RecordingHooks hooks;
  ASSERT_TRUE(s.step(hooks).finite);  // leaves gradients (-1/2, 1/2) behind
  const auto before = s.parameters();
  const StepResult poisoned = s.step(hooks, /*poison=*/true);
  EXPECT_FALSE(poisoned.finite);
  EXPECT_TRUE(std::isnan(poisoned.loss));
  // Once per step, poisoned or not, and always before agree_finite.
  EXPECT_EQ(hooks.calls, (std::vector<std::string>{"after_backward", "agree_finite",
                                                   "after_backward", "agree_finite"}));
  // The hook of the poisoned step sees zero gradients, not the previous step's.
  ASSERT_EQ(hooks.bias_grads.size(), 2u);
  ASSERT_TRUE(hooks.bias_grads[1].defined());
  EXPECT_TRUE(torch::equal(hooks.bias_grads[1], torch::zeros({2})));
  // The default answer passes on "not finite": nothing applied.
  EXPECT_EQ(hooks.handed, (std::vector<bool>{true, false}));
  EXPECT_TRUE(s.parameters_equal(before));
  // And the next clean step is a normal one again.
  EXPECT_TRUE(s.step(hooks).finite);
  EXPECT_EQ(hooks.calls.size(), 6u);
  EXPECT_FALSE(s.parameters_equal(before));
}

TEST(TrainingStep, AgreeFiniteRefusingAFiniteStepLeavesTheParametersUnchanged) {
  // A data-parallel peer saw a non-finite gradient: this rank's finite step is skipped too.
  StepSetup s;
  RecordingHooks refuse(/*answer=*/false);
  const auto before = s.parameters();
  const StepResult r = s.step(refuse);
  EXPECT_EQ(refuse.handed, std::vector<bool>{true});  // handed the local truth ...
  EXPECT_FALSE(r.finite);                             // ... but its answer decides
  EXPECT_NEAR(r.loss, std::log(2.0), 1e-6);
  EXPECT_TRUE(s.parameters_equal(before));
  // The same step with hooks that agree does change them (the check above can fail).
  RecordingHooks agree;
  EXPECT_TRUE(s.step(agree).finite);
  EXPECT_FALSE(s.parameters_equal(before));
}

TEST(TrainingStep, WithoutHooksStepsAsTheDefaultHooksDo) {
  StepSetup with_hooks, without;
  TrainerHooks defaults;
  const StepResult a = with_hooks.step(defaults);
  const StepResult b = training_step(without.model, *without.objective, without.optimizer,
                                     without.batch, without.generator, Precision::kFp32);
  EXPECT_TRUE(a.finite);
  EXPECT_TRUE(b.finite);
  EXPECT_EQ(a.loss, b.loss);
  EXPECT_TRUE(torch::equal(with_hooks.model.linear()->bias, without.model.linear()->bias));
}

}  // namespace
}  // namespace dign::train
