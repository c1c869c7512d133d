// A run directory back as a model (run/load_run.h), from two tiny runs trained in-process: RSE
// (which records a test-time ensemble) and standard training.
#include "run/load_run.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "core/file_io.h"
#include "core/torch_rng.h"
#include "models/registry.h"
#include "run/checkpoint.h"
#include "run/run_files.h"
#include "test_util.h"
#include "train/trainer.h"

namespace dign::run {
namespace {
namespace fs = std::filesystem;
using testing::contains;
using testing::error_of;

class LoadRun : public ::testing::Test {
 protected:
  /// Trains both runs once for the suite: 40 synthetic images in batches of 16 (3 steps), one
  /// epoch, ResNet-18 at width 2.
  static void SetUpTestSuite() {
    dir_ = std::make_unique<testing::TempDir>();
    for (const char* method : {"rse", "standard"}) {
      TrainOptions o;
      o.data.path = "synthetic";
      o.data.synthetic_train = 40;
      o.data.synthetic_test = 20;
      o.out = run_dir(method);
      o.method = objectives::MethodConfig::named(method);
      o.model = models::ResNet18Options().width(2);
      o.epochs = 1;
      o.batch_size = 16;
      o.augment = "none";
      o.machine.threads = 1;
      o.machine.precision = "fp32";
      SilentProgress quiet;
      train::run_training(o, quiet);
    }
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string run_dir(const std::string& method) { return dir_->str(method); }

  /// The model of `checkpoint` built and loaded by hand, in eval mode.
  static models::Classifier by_hand(const std::string& checkpoint) {
    const auto meta = read_checkpoint_meta(checkpoint);
    auto model = models::make_model(models::parse_model_record(meta, checkpoint));
    load_checkpoint(checkpoint, *model, nullptr);
    model->eval();
    return model;
  }

  /// Eight fixed 32x32 images in [0,1].
  static torch::Tensor images() {
    auto generator = make_generator(torch::kCPU, 7);
    return torch::rand({8, 3, 32, 32}, generator);
  }

  static std::unique_ptr<testing::TempDir> dir_;
};
std::unique_ptr<testing::TempDir> LoadRun::dir_;

TEST_F(LoadRun, BestAndLastAreTheirCheckpointsInEvalModeOnTheCpu) {
  const std::string run = run_dir("rse");
  const RunFiles files(run);
  ASSERT_EQ(files.checkpoints_newest_first().size(), 1u);
  for (const char* which : {"best", "last"}) {
    SCOPED_TRACE(which);
    const LoadedRun loaded = load_run(run, which);
    const std::string expected =
        std::string(which) == "best" ? files.best() : files.checkpoint(3);  // 40/16: 3 steps
    EXPECT_EQ(loaded.checkpoint, expected);
    EXPECT_EQ(loaded.dir, run);
    EXPECT_EQ(loaded.checkpoint_epoch, 1);
    EXPECT_EQ(loaded.config, nlohmann::json::parse(read_text_file(files.config())));
    EXPECT_EQ(loaded.image_size, 0);
    EXPECT_EQ(models::arch_name(loaded.record.arch), "resnet18");
    // Eval mode all the way down (BatchNorm uses its running statistics), on the CPU.
    for (const auto& m : loaded.model->modules()) EXPECT_FALSE(m->is_training());
    for (const auto& p : loaded.model->parameters()) EXPECT_TRUE(p.device().is_cpu());
    for (const auto& b : loaded.model->buffers()) EXPECT_TRUE(b.device().is_cpu());
    // The same logits as the checkpoint loaded by hand.
    torch::NoGradGuard no_grad;
    const auto x = images();
    EXPECT_TRUE(torch::equal(loaded.model->forward(x), by_hand(expected)->forward(x)));
  }
}

TEST_F(LoadRun, TheLoadedWeightsAreTheTrainedOnesNotAFreshModel) {
  // A check that the comparison above can tell models apart: a freshly built network of the
  // same record gives other logits.
  const LoadedRun loaded = load_run(run_dir("standard"), "best");
  auto fresh = models::make_model(loaded.record);
  fresh->eval();
  torch::NoGradGuard no_grad;
  const auto x = images();
  EXPECT_FALSE(torch::equal(loaded.model->forward(x), fresh->forward(x)));
}

TEST_F(LoadRun, TheEnsembleIsTheOneTheRunRecorded) {
  // RSE records its test-time ensemble: 10 copies at sigma 0.1 (its defaults).
  for (const char* which : {"best", "last"}) {
    const LoadedRun rse = load_run(run_dir("rse"), which);
    EXPECT_EQ(rse.ensemble.copies, 10) << which;
    EXPECT_DOUBLE_EQ(rse.ensemble.sigma, 0.1) << which;
  }
  // Standard training records none: one copy, no noise.
  const LoadedRun standard = load_run(run_dir("standard"), "best");
  EXPECT_EQ(standard.ensemble.copies, 1);
  EXPECT_EQ(standard.ensemble.sigma, 0.0);
}

TEST_F(LoadRun, AMissingCheckpointIsOneLineNamingTheFile) {
  const std::string missing = run_dir("rse") + "/checkpoints/step-000000099.ckpt";
  const auto message = error_of([&] { load_run(run_dir("rse"), missing); });
  EXPECT_TRUE(contains(message, missing)) << message;
  EXPECT_FALSE(contains(message, "\n")) << message;
}

TEST_F(LoadRun, ADirectoryWithoutARunIsOneLineNamingTheFile) {
  testing::TempDir empty;
  const auto best = error_of([&] { load_run(empty.str(), "best"); });
  EXPECT_TRUE(contains(best, RunFiles(empty.str()).best())) << best;
  EXPECT_FALSE(contains(best, "\n")) << best;
  const auto last = error_of([&] { load_run(empty.str(), "last"); });
  EXPECT_TRUE(contains(last, RunFiles(empty.str()).checkpoint_dir())) << last;
  EXPECT_FALSE(contains(last, "\n")) << last;
  const auto nowhere = error_of([&] { load_run(empty.str("no-such-run"), "best"); });
  EXPECT_TRUE(contains(nowhere, RunFiles(empty.str("no-such-run")).best())) << nowhere;
}

TEST_F(LoadRun, ADamagedCheckpointIsOneLineNamingTheFile) {
  testing::TempDir copy;
  const std::string damaged = copy.str("best.ckpt");
  auto bytes = read_file(RunFiles(run_dir("standard")).best());
  bytes[bytes.size() / 2] ^= 0xff;
  testing::write_bytes(damaged, bytes);
  const auto message = error_of([&] { load_run(run_dir("standard"), damaged); });
  EXPECT_TRUE(contains(message, damaged)) << message;
  EXPECT_FALSE(contains(message, "\n")) << message;
}

}  // namespace
}  // namespace dign::run
