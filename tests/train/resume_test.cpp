// Never lose a run: a run killed (SIGKILL at chosen points, at random
// moments, mid-checkpoint-write), interrupted (SIGINT, SIGTERM) or diverging,
// and then resumed, ends bitwise identical to an uninterrupted run with the
// same seed at --threads 1, with the same log; nothing written is damaged.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/file_io.h"
#include "dign_process.h"
#include "run/checkpoint.h"
#include "run/run_files.h"
#include "run/run_lock.h"

namespace dign::train {
namespace {
using namespace dign::run;  // the run directory and checkpoints the trainer writes
namespace fs = std::filesystem;
using testing::contains;
using testing::run_dign;

// 300 images in batches of 32: 10 steps per epoch, a checkpoint every 4 steps.
const std::string kRecipe =
    "--data synthetic --synthetic-train 300 --synthetic-test 60 --width 4 --batch-size 32 "
    "--method dign --quiet --threads 1 --checkpoint-every 4 --keep-last 3";

std::string train_args(const std::string& dir, int epochs) {
  return "train " + kRecipe + " --epochs " + std::to_string(epochs) + " --out " + dir;
}

std::string resume_args(const std::string& dir) {
  return "train --resume " + dir;
}

/// Everything of a run that must not depend on interruptions: model tensors of
/// the newest and the best checkpoint, the momentum buffers, and the log and
/// metrics without their timings.
struct RunOutcome {
  std::vector<torch::Tensor> last, best, momentum;
  std::vector<std::string> names;
  nlohmann::json log, metrics;
};

std::vector<torch::Tensor> model_tensors(torch::nn::Module& model,
                                         std::vector<std::string>* names) {
  std::vector<torch::Tensor> out;
  for (const auto& p : model.named_parameters()) {
    out.push_back(p.value().clone());
    if (names) names->push_back(p.key());
  }
  for (const auto& b : model.named_buffers()) {
    out.push_back(b.value().clone());
    if (names) names->push_back(b.key());
  }
  return out;
}

nlohmann::json without_timing(nlohmann::json j) {
  if (j.is_object()) j.erase("timing");
  return j;
}

RunOutcome outcome_of(const std::string& dir) {
  RunOutcome r;
  const std::string newest = resolve_checkpoint(dir, "last");
  auto model = model_from_meta(read_checkpoint_meta(newest));
  torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
  load_checkpoint(newest, *model, &sgd);
  r.last = model_tensors(*model, &r.names);
  for (const auto& p : model->parameters()) {
    const auto& state = static_cast<const torch::optim::SGDParamState&>(
        *sgd.state().at(c10::guts::to_string(p.unsafeGetTensorImpl())));
    r.momentum.push_back(state.momentum_buffer().clone());
  }
  auto best = model_from_meta(read_checkpoint_meta(RunFiles(dir).best()));
  load_checkpoint(RunFiles(dir).best(), *best, nullptr);
  r.best = model_tensors(*best, nullptr);
  r.log = nlohmann::json::array();
  std::istringstream lines(read_text_file(RunFiles(dir).log()));
  for (std::string line; std::getline(lines, line);) {
    r.log.push_back(without_timing(nlohmann::json::parse(line)));
  }
  r.metrics = without_timing(nlohmann::json::parse(read_text_file(RunFiles(dir).metrics())));
  return r;
}

void expect_identical(const RunOutcome& a, const RunOutcome& b) {
  ASSERT_EQ(a.last.size(), b.last.size());
  for (size_t i = 0; i < a.last.size(); ++i) {
    EXPECT_TRUE(torch::equal(a.last[i], b.last[i])) << "last: " << a.names[i];
  }
  for (size_t i = 0; i < a.best.size(); ++i) {
    EXPECT_TRUE(torch::equal(a.best[i], b.best[i])) << "best: " << a.names[i];
  }
  for (size_t i = 0; i < a.momentum.size(); ++i) {
    EXPECT_TRUE(torch::equal(a.momentum[i], b.momentum[i])) << "momentum of " << a.names[i];
  }
  EXPECT_EQ(a.log, b.log);
  EXPECT_EQ(a.metrics, b.metrics);
}

bool has_temporaries(const std::string& dir) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (contains(entry.path().filename().string(), ".tmp-")) return true;
  }
  return false;
}

class Resume : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    reference_dir_ = new testing::TempDir;
    const auto r = run_dign(train_args(reference_dir_->str("run"), 2), *reference_dir_);
    ASSERT_EQ(r.code, 0) << r.err;
    reference_ = new RunOutcome(outcome_of(reference_dir_->str("run")));
  }
  static void TearDownTestSuite() {
    delete reference_;
    delete reference_dir_;
  }
  static testing::TempDir* reference_dir_;
  static RunOutcome* reference_;
  testing::TempDir dir;
  std::string run() const { return dir.str("run"); }
};
testing::TempDir* Resume::reference_dir_ = nullptr;
RunOutcome* Resume::reference_ = nullptr;

TEST_F(Resume, KilledAtChosenPointsAndResumedIsBitwiseIdentical) {
  // Before the first checkpoint, between steps, half-way through writing a
  // checkpoint, after an epoch's checkpoint but before its log line, mid-epoch 2.
  auto r = run_dign(train_args(run(), 2), dir, "DIGN_FAULT=step:3");
  EXPECT_EQ(r.code, 128 + SIGKILL);
  for (const char* fault : {"step:6", "write:2", "epoch-end:1", "step:5", "write:4"}) {
    r = run_dign(resume_args(run()), dir, std::string("DIGN_FAULT=") + fault);
    EXPECT_EQ(r.code, 128 + SIGKILL) << fault << ": " << r.err;
  }
  r = run_dign(resume_args(run()), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  expect_identical(outcome_of(run()), *reference_);
  EXPECT_FALSE(has_temporaries(run()));
  EXPECT_LE(RunFiles(run()).checkpoints_newest_first().size(), 3u);  // --keep-last 3
}

TEST_F(Resume, KilledAtRandomMomentsAndResumedIsBitwiseIdentical) {
  // Wherever the kills land (loading data, mid-step, mid-write), the result is the same.
  std::string args = train_args(run(), 2);
  for (int delay_ms : {150, 350, 600, 900, 1300}) {
    testing::run_dign_killed_after(args, std::chrono::milliseconds(delay_ms));
    if (fs::exists(RunFiles(run()).config())) args = resume_args(run());
  }
  const auto r = run_dign(args, dir);
  ASSERT_EQ(r.code, 0) << r.err;
  expect_identical(outcome_of(run()), *reference_);
}

TEST_F(Resume, SigintAndSigtermCheckpointPrintTheResumeCommandAndExit130And143) {
  auto r = run_dign(train_args(run(), 2), dir, "DIGN_FAULT=sigint:7");
  EXPECT_EQ(r.code, 130) << r.err;
  EXPECT_TRUE(contains(r.out, "dign train --resume " + run())) << r.out;
  EXPECT_TRUE(fs::exists(RunFiles(run()).checkpoint(7)));  // step 7 is not a multiple of 4
  r = run_dign(resume_args(run()), dir, "DIGN_FAULT=sigterm:6");
  EXPECT_EQ(r.code, 143) << r.err;
  EXPECT_TRUE(fs::exists(RunFiles(run()).checkpoint(13)));
  r = run_dign(resume_args(run()), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  expect_identical(outcome_of(run()), *reference_);
}

TEST_F(Resume, SecondSigintExitsAtOnceWithoutWriting) {
  const auto r = run_dign(train_args(run(), 2), dir, "DIGN_FAULT=double-sigint:6");
  EXPECT_EQ(r.code, 130);
  // The checkpoint of step 4 is the newest: the interrupted step 6 was not saved.
  EXPECT_EQ(RunFiles(run()).checkpoints_newest_first(),
            std::vector<std::string>{RunFiles(run()).checkpoint(4)});
  ASSERT_EQ(run_dign(resume_args(run()), dir).code, 0);
  expect_identical(outcome_of(run()), *reference_);
}

TEST_F(Resume, FinishedRunIsLeftUntouchedAndCanBeExtended) {
  ASSERT_EQ(run_dign(train_args(run(), 1), dir).code, 0);
  const auto log = read_file(RunFiles(run()).log());
  const auto metrics = read_file(RunFiles(run()).metrics());
  const auto newest = read_file(resolve_checkpoint(run(), "last"));
  auto r = run_dign(resume_args(run()), dir);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "nothing to do")) << r.out;
  EXPECT_EQ(read_file(RunFiles(run()).log()), log);
  EXPECT_EQ(read_file(RunFiles(run()).metrics()), metrics);
  EXPECT_EQ(read_file(resolve_checkpoint(run(), "last")), newest);
  // Raising --epochs continues to exactly the run that was asked for 2 epochs from the start.
  r = run_dign(resume_args(run()) + " --epochs 2", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  expect_identical(outcome_of(run()), *reference_);
}

TEST_F(Resume, ContradictingOptionsAndLoweredEpochsAreOneLineErrors) {
  ASSERT_EQ(run_dign(train_args(run(), 2), dir, "DIGN_FAULT=step:12").code, 128 + SIGKILL);
  const auto newest = read_file(resolve_checkpoint(run(), "last"));
  for (const auto& [option, named] :
       std::vector<std::pair<std::string, std::string>>{{"--lr 0.5", "lr"},
                                                        {"--method standard", "method"},
                                                        {"--samples 2", "samples"},
                                                        {"--seed 3", "seed"},
                                                        {"--epochs 1", "--epochs"},
                                                        {"--width 8", "width"}}) {
    const auto r = run_dign(resume_args(run()) + " " + option, dir);
    EXPECT_NE(r.code, 0) << option;
    EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
    EXPECT_TRUE(contains(r.err, named)) << option << ": " << r.err;
  }
  // Options equal to the saved ones, and machine settings, are accepted.
  const auto r = run_dign(resume_args(run()) + " --lr 0.1 --seed 0 --threads 1 --keep-last 3", dir);
  EXPECT_EQ(r.code, 0) << r.err;
  expect_identical(outcome_of(run()), *reference_);
  (void)newest;
}

TEST_F(Resume, SecondRunOnALockedDirectoryStopsNamingTheHolder) {
  ASSERT_EQ(run_dign(train_args(run(), 1), dir, "DIGN_FAULT=step:5").code, 128 + SIGKILL);
  const auto newest = read_file(resolve_checkpoint(run(), "last"));
  {
    RunLock held(run());  // this test process plays the first run
    const auto r = run_dign(resume_args(run()), dir);
    EXPECT_NE(r.code, 0);
    EXPECT_TRUE(contains(r.err, lock_holder_description())) << r.err;
    EXPECT_EQ(read_file(resolve_checkpoint(run(), "last")), newest);
    const auto fresh = run_dign(train_args(run(), 1), dir);
    EXPECT_NE(fresh.code, 0);
  }
  // The kernel released the lock with its holder: the run continues.
  EXPECT_EQ(run_dign(resume_args(run()), dir).code, 0);
}

TEST_F(Resume, NonFiniteLossStopsNamingTheStepOrIsSkippedAndCounted) {
  auto r = run_dign(train_args(run(), 2), dir, "DIGN_FAULT=nan-loss:7");
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
  EXPECT_TRUE(contains(r.err, "non-finite loss")) << r.err;
  EXPECT_TRUE(contains(r.err, "epoch 1, batch 7")) << r.err;
  EXPECT_TRUE(contains(r.err, RunFiles(run()).checkpoint(4))) << r.err;
  EXPECT_NO_THROW(read_checkpoint_meta(RunFiles(run()).checkpoint(4)));  // the last good one

  testing::TempDir other;
  const std::string skip_run = other.str("run");
  r = run_dign(train_args(skip_run, 2) + " --on-nonfinite skip", other, "DIGN_FAULT=nan-loss:7");
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream lines(read_text_file(RunFiles(skip_run).log()));
  std::string first;
  std::getline(lines, first);
  EXPECT_EQ(nlohmann::json::parse(first)["skipped_steps"], 1);
}

TEST_F(Resume, FullDiskFailsTheWriteWithAClearErrorAndKeepsTheLastCheckpoint) {
  ASSERT_EQ(run_dign(train_args(run(), 2), dir, "DIGN_FAULT=step:6").code, 128 + SIGKILL);
  const std::string newest_path = resolve_checkpoint(run(), "last");
  const auto newest = read_file(newest_path);
  // A file-size limit below a checkpoint's size: the next checkpoint write fails with EFBIG.
  const auto r = run_dign(resume_args(run()), dir, "ulimit -f 64;");
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
  EXPECT_TRUE(contains(r.err, "File too large")) << r.err;
  EXPECT_EQ(read_file(newest_path), newest);
  EXPECT_FALSE(has_temporaries(run()));
  ASSERT_EQ(run_dign(resume_args(run()), dir).code, 0);
  expect_identical(outcome_of(run()), *reference_);
}

}  // namespace
}  // namespace dign::train
