// The training loop's hooks (train/loop.h, train/hooks.h): what they are handed, when, and how
// often; and a selection metric of the caller's choosing. Tiny synthetic runs: 36 training
// images in batches of 8 make 5 batches an epoch (8, 8, 8, 8, 4), 16 test images select.
#include "train/loop.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/torch_rng.h"
#include "models/registry.h"
#include "objectives/registry.h"
#include "test_util.h"
#include "train/step.h"
#include "train/training_data.h"

namespace dign::train {
namespace {

constexpr int64_t kTrainImages = 36, kTestImages = 16, kBatchSize = 8, kBatches = 5;

/// A loop set up as train/training_run.cpp sets it up, without a run directory.
struct LoopSetup {
  explicit LoopSetup(int64_t epochs) {
    o.data.path = "synthetic";
    o.data.synthetic_train = kTrainImages;
    o.data.synthetic_test = kTestImages;
    o.out = dir.str("run");  // never written: the loop leaves files to its hooks
    o.method = objectives::MethodConfig::named("standard");
    o.model = models::ResNet18Options().width(2);
    o.epochs = epochs;
    o.batch_size = kBatchSize;
    o.augment = "none";
    o.machine.threads = 1;
    o.machine.precision = "fp32";
    o.validate();
    machine = resolve_machine(o.machine);
    data = prepare_training_data(o, machine.threads);
    const auto [mean, std] = data::channel_statistics(data.train);
    model = models::make_model(o.model, models::ModelData().num_classes(10).mean(mean).std(std));
    auto init = make_generator(torch::kCPU, 0);
    model->reset_parameters(init);
    objective = objectives::make_objective(o.method);
    optimizer = make_optimizer(*model, o);
  }
  testing::TempDir dir;
  run::TrainOptions o;
  Machine machine;
  TrainingData data;
  models::Classifier model;
  std::unique_ptr<objectives::Objective> objective;
  std::unique_ptr<torch::optim::SGD> optimizer;
  SilentProgress progress;
};

struct StepRecord {
  int64_t epoch, batch, step, num_batches, seen, logits_rows;
  bool applied, training;
};

struct EpochRecord {
  int64_t epoch, batch, step, seen, log_lines;
  nlohmann::json last_line;
  EpochInfo info;
};

/// Records every hook call; `events` keeps their order ("s" a step, "E" an epoch).
class RecordingHooks : public TrainerHooks {
 public:
  explicit RecordingHooks(const models::ClassifierImpl& model) : model_(model) {}
  void after_backward(models::ClassifierImpl&) override { ++after_backward_calls; }
  bool agree_finite(bool finite) override {
    ++agree_finite_calls;
    return finite;
  }
  void end_of_step(const run::TrainState& state, const StepInfo& step) override {
    events += "s";
    steps.push_back({state.epoch, state.batch, state.step, step.num_batches, state.sums.seen,
                     step.output ? step.output->train_logits.size(0) : -1, step.applied,
                     model_.is_training()});
  }
  void end_of_epoch(const run::TrainState& state, const EpochInfo& epoch) override {
    events += "E";
    epochs.push_back({state.epoch, state.batch, state.step, state.sums.seen,
                      static_cast<int64_t>(state.log.size()),
                      state.log.empty() ? nlohmann::json() : state.log.back(), epoch});
  }
  int after_backward_calls = 0, agree_finite_calls = 0;
  std::string events;
  std::vector<StepRecord> steps;
  std::vector<EpochRecord> epochs;

 private:
  const models::ClassifierImpl& model_;
};

TEST(TrainingLoop, EndOfStepOncePerBatchWithTheStateAfterTheStep) {
  LoopSetup s(/*epochs=*/2);
  TrainingLoop loop(s.o, s.machine, s.data, *s.model, *s.objective, *s.optimizer, s.progress);
  RecordingHooks hooks(*s.model);
  run::TrainState state;
  ASSERT_EQ(loop.run(state, hooks), 0);
  EXPECT_EQ(hooks.events, "sssssEsssssE");
  ASSERT_EQ(hooks.steps.size(), 10u);
  for (int64_t i = 0; i < 10; ++i) {
    const StepRecord& r = hooks.steps[static_cast<size_t>(i)];
    const int64_t batch = i % kBatches + 1;  // 1..5: batches done in this epoch
    EXPECT_EQ(r.epoch, i / kBatches) << i;
    EXPECT_EQ(r.batch, batch) << i;
    EXPECT_EQ(r.step, i + 1) << i;
    EXPECT_EQ(r.num_batches, kBatches) << i;
    EXPECT_TRUE(r.applied) << i;
    // Images summed into this epoch's line so far: 8, 16, 24, 32, then 32 + 4 = 36.
    EXPECT_EQ(r.seen, std::min(batch * kBatchSize, kTrainImages)) << i;
    EXPECT_EQ(r.logits_rows, batch == kBatches ? 4 : kBatchSize) << i;
    EXPECT_TRUE(r.training) << i;
  }
  // The step's own hooks run once per step too.
  EXPECT_EQ(hooks.after_backward_calls, 10);
  EXPECT_EQ(hooks.agree_finite_calls, 10);
  EXPECT_EQ(state.epoch, 2);
  EXPECT_EQ(state.step, 10);
}

TEST(TrainingLoop, EndOfEpochOncePerEpochWithItsLogLineAppended) {
  LoopSetup s(/*epochs=*/2);
  TrainingLoop loop(s.o, s.machine, s.data, *s.model, *s.objective, *s.optimizer, s.progress);
  RecordingHooks hooks(*s.model);
  run::TrainState state;
  ASSERT_EQ(loop.run(state, hooks), 0);
  ASSERT_EQ(hooks.epochs.size(), 2u);
  for (int64_t e = 0; e < 2; ++e) {
    const EpochRecord& r = hooks.epochs[static_cast<size_t>(e)];
    // The state already counts the epoch: next epoch, batch 0, its sums reset.
    EXPECT_EQ(r.epoch, e + 1);
    EXPECT_EQ(r.batch, 0);
    EXPECT_EQ(r.step, (e + 1) * kBatches);
    EXPECT_EQ(r.seen, 0);
    EXPECT_EQ(r.log_lines, e + 1);
    EXPECT_EQ(r.last_line.at("epoch"), e + 1);
    EXPECT_EQ(r.last_line.at("lr").get<double>(), r.info.lr);
    EXPECT_TRUE(r.last_line.contains("train_ce"));  // the standard objective's term
    // The default metric: accuracy on the 16 test images, a multiple of 1/16.
    const double metric = r.last_line.at("test_accuracy").get<double>();
    EXPECT_EQ(metric, r.info.selection_metric);
    EXPECT_EQ(metric * kTestImages, std::round(metric * kTestImages)) << metric;
  }
  EXPECT_TRUE(hooks.epochs[0].info.improved);  // the first epoch is always the best so far
  EXPECT_EQ(state.log.size(), 2u);
  // The default metric is selection_accuracy on data.selection (the test split here).
  EXPECT_EQ(s.data.selection_name, "test");
  EXPECT_EQ(state.log[1].at("test_accuracy").get<double>(),
            selection_accuracy(*s.model, s.data.selection, s.o.eval_batch_size, s.machine));
}

TEST(TrainingLoop, SetSelectionMetricReplacesTheMetricAndItsLogKey) {
  LoopSetup s(/*epochs=*/3);
  TrainingLoop loop(s.o, s.machine, s.data, *s.model, *s.objective, *s.optimizer, s.progress);
  std::vector<const models::ClassifierImpl*> called_with;
  const std::vector<double> values = {0.75, 0.25, 0.75};  // a best, a worse one, a tie
  loop.set_selection_metric("custom_score", [&](models::ClassifierImpl& m) {
    called_with.push_back(&m);
    m.eval();  // a metric may leave the model in eval mode: the loop trains on in train mode
    return values[called_with.size() - 1];
  });
  RecordingHooks hooks(*s.model);
  run::TrainState state;
  ASSERT_EQ(loop.run(state, hooks), 0);
  EXPECT_EQ(called_with, (std::vector<const models::ClassifierImpl*>(3, s.model.get())));
  ASSERT_EQ(hooks.epochs.size(), 3u);
  for (size_t e = 0; e < 3; ++e) {
    const auto& line = hooks.epochs[e].last_line;
    EXPECT_EQ(line.at("custom_score").get<double>(), values[e]);
    EXPECT_FALSE(line.contains("test_accuracy")) << line.dump();
    EXPECT_EQ(hooks.epochs[e].info.selection_metric, values[e]);
  }
  EXPECT_TRUE(hooks.epochs[0].info.improved);   // 0.75: the first value
  EXPECT_FALSE(hooks.epochs[1].info.improved);  // 0.25 < 0.75
  EXPECT_FALSE(hooks.epochs[2].info.improved);  // 0.75 ties: the earlier epoch stays the best
  EXPECT_EQ(state.best_accuracy, 0.75);
  EXPECT_EQ(state.best_epoch, 1);
  EXPECT_EQ(state.log[2].at("best_accuracy").get<double>(), 0.75);
  // Every step after an epoch end ran in train mode although the metric left eval mode.
  ASSERT_EQ(hooks.steps.size(), 15u);
  for (const auto& r : hooks.steps) EXPECT_TRUE(r.training) << r.step;
}

}  // namespace
}  // namespace dign::train
