// What every objective shares (objectives/objective.h): EvalModeGuard and Batch::view.
#include "objectives/objective.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "objectives/test_models.h"
#include "test_util.h"

namespace dign::objectives {
namespace {

using testing::contains;
using testing::error_of;

/// Whether the module and every module under it (LinearClassifier's linear layer) train.
bool all_training(const torch::nn::Module& module) {
  if (!module.is_training()) return false;
  for (const auto& m : module.modules(/*include_self=*/false)) {
    if (!m->is_training()) return false;
  }
  return true;
}

/// Whether the module and every module under it are in eval mode.
bool none_training(const torch::nn::Module& module) {
  if (module.is_training()) return false;
  for (const auto& m : module.modules(/*include_self=*/false)) {
    if (m->is_training()) return false;
  }
  return true;
}

TEST(EvalModeGuard, EvalModeForItsLifetimeThenTrainModeAgain) {
  testing::LinearClassifier model(12, 2);
  model.train();
  {
    EvalModeGuard guard(model);
    EXPECT_TRUE(none_training(model));  // the model and its linear layer
  }
  EXPECT_TRUE(all_training(model));
}

TEST(EvalModeGuard, AModelInEvalModeStaysInEvalMode) {
  testing::LinearClassifier model(12, 2);
  model.eval();
  {
    EvalModeGuard guard(model);
    EXPECT_TRUE(none_training(model));
  }
  EXPECT_TRUE(none_training(model));
}

TEST(EvalModeGuard, RestoresTrainModeWhenAnExceptionLeavesTheScope) {
  testing::LinearClassifier model(12, 2);
  model.train();
  try {
    EvalModeGuard guard(model);
    EXPECT_TRUE(none_training(model));
    throw std::runtime_error("attack failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(all_training(model));
}

TEST(EvalModeGuard, NestedGuardsUnwindToTheOuterMode) {
  testing::LinearClassifier model(12, 2);
  model.train();
  {
    EvalModeGuard outer(model);
    {
      EvalModeGuard inner(model);
      EXPECT_TRUE(none_training(model));
    }
    EXPECT_TRUE(none_training(model));  // the inner guard found eval mode and left it
  }
  EXPECT_TRUE(all_training(model));
}

TEST(Batch, CleanIsTheImagesNamedViewsAreTheirTensorsAMissingViewIsNamed) {
  const torch::Tensor images = torch::rand({2, 3, 4, 4});
  const torch::Tensor first = torch::rand({2, 3, 4, 4}), second = torch::rand({2, 3, 4, 4});
  const Batch batch{images, torch::tensor({0, 1}), {{"augmix_1", first}, {"augmix_2", second}}};
  EXPECT_EQ(&batch.view("clean"), &batch.images);  // not a copy
  EXPECT_TRUE(batch.view("clean").is_same(images));
  EXPECT_TRUE(batch.view("augmix_1").is_same(first));
  EXPECT_TRUE(batch.view("augmix_2").is_same(second));
  const auto message = error_of([&] { batch.view("noisy"); });
  EXPECT_TRUE(contains(message, "'noisy'")) << message;
  // A batch with no further views has only "clean".
  const Batch plain{images, torch::tensor({0, 1})};
  EXPECT_TRUE(plain.view("clean").is_same(images));
  EXPECT_TRUE(contains(error_of([&] { plain.view("augmix_1"); }), "'augmix_1'"));
}

}  // namespace
}  // namespace dign::objectives
