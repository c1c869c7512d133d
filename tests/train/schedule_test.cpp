#include "train/schedule.h"

#include <gtest/gtest.h>

namespace dign::train {
namespace {

TEST(Schedule, LearningRateStepsAfterCompletedEpochsLikeMultiStepLR) {
  run::TrainOptions o;
  o.lr = 0.1;
  o.lr_milestones = {7, 11};
  for (int64_t e = 0; e < 7; ++e) EXPECT_DOUBLE_EQ(learning_rate_at(o, e), 0.1);
  for (int64_t e = 7; e < 11; ++e) EXPECT_NEAR(learning_rate_at(o, e), 0.01, 1e-15);
  EXPECT_NEAR(learning_rate_at(o, 11), 0.001, 1e-15);
  EXPECT_NEAR(learning_rate_at(o, 14), 0.001, 1e-15);
}

TEST(Schedule, WarmUpRisesLinearlyPerStepThenFollowsTheSchedule) {
  run::TrainOptions o;
  o.lr = 0.1;
  o.lr_milestones = {3};
  o.warmup_epochs = 2;
  // 4 batches per epoch: 8 warm-up steps reaching lr at the 8th.
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 0, 0, 4), 0.1 / 8);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 0, 3, 4), 0.1 * 4 / 8);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 1, 0, 4), 0.1 * 5 / 8);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 1, 3, 4), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 2, 0, 4), 0.1);
  EXPECT_NEAR(learning_rate_at(o, 3, 0, 4), 0.01, 1e-15);
  o.warmup_epochs = 0;
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 0, 0, 4), 0.1);
}

}  // namespace
}  // namespace dign::train
