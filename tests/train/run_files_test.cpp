#include "train/run_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"
#include "train/run_lock.h"
#include "train/train_state.h"

namespace dign::train {
namespace {
namespace fs = std::filesystem;
using testing::contains;
using testing::error_of;

TEST(RunFiles, NewestCheckpointByStepNotByNameOrder) {
  testing::TempDir dir;
  const RunFiles files(dir.str());
  EXPECT_TRUE(contains(error_of([&] { resolve_checkpoint(dir.str(), "last"); }), "no checkpoint"));
  for (int64_t step : {9, 120, 1000000000}) testing::write_text(files.checkpoint(step), "x");
  testing::write_text(fs::path(files.checkpoint_dir()) / "step-12x.ckpt", "not ours");
  testing::write_text(fs::path(files.checkpoint_dir()) / "notes.txt", "not ours");
  EXPECT_EQ(resolve_checkpoint(dir.str(), "last"), files.checkpoint(1000000000));
  EXPECT_EQ(resolve_checkpoint(dir.str(), "best"), files.best());
  EXPECT_EQ(resolve_checkpoint(dir.str(), "/some/path.ckpt"), "/some/path.ckpt");
  files.prune_checkpoints(2);
  EXPECT_EQ(files.checkpoints_newest_first(),
            (std::vector<std::string>{files.checkpoint(1000000000), files.checkpoint(120)}));
  EXPECT_TRUE(fs::exists(fs::path(files.checkpoint_dir()) / "notes.txt"));  // only ours are pruned
}

TEST(RunFiles, LegacyLastCheckpointIsStillFound) {
  testing::TempDir dir;
  const RunFiles files(dir.str());
  testing::write_text(files.legacy_last(), "x");
  EXPECT_EQ(resolve_checkpoint(dir.str(), "last"), files.legacy_last());
  testing::write_text(files.checkpoint(3), "x");
  EXPECT_EQ(resolve_checkpoint(dir.str(), "last"), files.checkpoint(3));
}

TEST(RunFiles, StaleTemporariesAreRemovedAndNothingElse) {
  testing::TempDir dir;
  const RunFiles files(dir.str());
  testing::write_text(dir.str(".log.jsonl.tmp-abc123"), "half");
  testing::write_text(fs::path(files.checkpoint_dir()) / ".step-000000004.ckpt.tmp-XyZ012", "half");
  testing::write_text(files.log(), "{}\n");
  files.remove_stale_temporaries();
  EXPECT_FALSE(fs::exists(dir.str(".log.jsonl.tmp-abc123")));
  EXPECT_FALSE(fs::exists(fs::path(files.checkpoint_dir()) / ".step-000000004.ckpt.tmp-XyZ012"));
  EXPECT_TRUE(fs::exists(files.log()));
}

TEST(RunLock, SecondLockInTheSameDirectoryNamesTheHolder) {
  testing::TempDir dir;
  {
    RunLock first(dir.str("run"));
    const auto message = error_of([&] { RunLock second(dir.str("run")); });
    EXPECT_TRUE(contains(message, "another dign run")) << message;
    EXPECT_TRUE(contains(message, lock_holder_description())) << message;
  }
  EXPECT_NO_THROW(RunLock again(dir.str("run")));  // released with its holder
}

TEST(TrainState, JsonRoundTripIsExactAndIncompleteStateIsAnError) {
  TrainState s;
  s.epoch = 1;
  s.batch = 7;
  s.step = 17;
  s.best_accuracy = 0.1 + 0.2;  // not representable exactly in decimal
  s.best_epoch = 1;
  s.order_hash = 0xfedcba9876543211ULL;
  s.sums.loss = 1.0 / 3.0;
  s.sums.terms = {{"ce", 2.0 / 7.0}, {"kl", 1e-300}};
  s.sums.correct = 5;
  s.sums.seen = 224;
  s.log = {nlohmann::json{{"epoch", 1}}};
  const TrainState back = train_state_from_json(nlohmann::json::parse(to_json(s).dump()), "test");
  EXPECT_EQ(to_json(back), to_json(s));
  EXPECT_EQ(back.sums.loss, s.sums.loss);
  EXPECT_EQ(back.best_accuracy, s.best_accuracy);
  EXPECT_EQ(back.order_hash, s.order_hash);
  auto broken = to_json(s);
  broken.erase("sums");
  EXPECT_TRUE(contains(error_of([&] { train_state_from_json(broken, "x.ckpt"); }), "x.ckpt"));
  auto inconsistent = to_json(s);
  inconsistent["epoch"] = 3;  // 3 epochs done but one log line
  EXPECT_TRUE(
      contains(error_of([&] { train_state_from_json(inconsistent, "y.ckpt"); }), "inconsistent"));
}

}  // namespace
}  // namespace dign::train
