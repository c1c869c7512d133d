#include "run/run_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "run/run_lock.h"
#include "run/train_state.h"
#include "test_util.h"

namespace dign::run {
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

TEST(RunFiles, OnlyStepCheckpointsCount) {
  // dign 0.1's single DIR/last.ckpt is not read any more (no run of that version is left).
  testing::TempDir dir;
  const RunFiles files(dir.str());
  testing::write_text(dir.str("last.ckpt"), "x");
  EXPECT_TRUE(files.checkpoints_newest_first().empty());
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

TEST(TrainState, FuzzRegressionHugeBatchIsAnErrorNotUndefinedBehaviour) {
  // checkpoint_fuzz, crash-560c1485: "batch": 3999...9 (4e45, parsed as a double) reached
  // nlohmann's double -> int64 conversion, undefined behaviour (UBSan), instead of an error.
  const std::vector<uint8_t> input = {
      0x7b, 0x22, 0x61, 0x72, 0x63, 0x68, 0x22, 0x3a, 0x22, 0x72, 0x65, 0x73, 0x6e, 0x65, 0x74,
      0x31, 0x38, 0x22, 0x2c, 0x22, 0x65, 0x70, 0x6f, 0x63, 0x68, 0x22, 0x3a, 0x31, 0x2c, 0x22,
      0x73, 0x74, 0x61, 0x74, 0x65, 0x22, 0x3a, 0x7b, 0x22, 0x62, 0x61, 0x74, 0x63, 0x68, 0x22,
      0x3a, 0x33, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39,
      0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39,
      0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39,
      0x39, 0x39, 0x2c, 0x22, 0x62, 0x65, 0x73, 0x74, 0x5f, 0x61, 0x63, 0x63, 0x75, 0x72, 0x61,
      0x63, 0x79, 0x22, 0x3a, 0x2d, 0x31, 0x2e, 0x30, 0x2c, 0x22, 0x62, 0x65, 0x73, 0x74, 0x5f,
      0x65, 0x70, 0x6f, 0x63, 0x68, 0x22, 0x3a, 0x31, 0x2c, 0x22, 0x65, 0x70, 0x6f, 0x63, 0x68,
      0x22, 0x3a, 0x31, 0x2c, 0x22, 0x69, 0x6d, 0x61, 0x67, 0x65, 0x73, 0x44, 0x73, 0x65, 0x65,
      0x6e, 0x22, 0x3a, 0x30, 0x2c, 0x22, 0x6c, 0x6f, 0x67, 0x22, 0x3a, 0x5b, 0x7b, 0x22, 0x65,
      0x70, 0x6f, 0x63, 0x68, 0x22, 0x3a, 0x31, 0x2c, 0x22, 0x74, 0x65, 0x73, 0x74, 0x5f, 0x61,
      0x63, 0x63, 0x75, 0x72, 0x61, 0x63, 0x79, 0x22, 0x3a, 0x30, 0x2e, 0x35, 0x7d, 0x5d, 0x2c,
      0x22, 0x6f, 0x72, 0x64, 0x65, 0x72, 0x5f, 0x68, 0x61, 0x73, 0x68, 0x22, 0x3a, 0x30, 0x2c,
      0x22, 0x73, 0x65, 0x63, 0x6f, 0x6e, 0x64, 0x73, 0x22, 0x3a, 0x30, 0x2e, 0x30, 0x2c, 0x22,
      0x73, 0x74, 0x65, 0x70, 0x22, 0x3a, 0x30, 0x2c, 0x22, 0x73, 0x75, 0x6d, 0x73, 0x22, 0x3a,
      0x7b, 0x22, 0x63, 0x6f, 0x72, 0x76, 0x65, 0x63, 0x74, 0x22, 0x3a, 0x30, 0x2c, 0x22, 0x6c,
      0x6f, 0x73, 0x73, 0x22, 0x3a, 0x30, 0x2e, 0x30, 0x2c, 0x22, 0x73, 0x65, 0x63, 0x6f, 0x6e,
      0x64, 0x73, 0x22, 0x3a, 0x30, 0x2e, 0x30, 0x2c, 0x22, 0x72, 0x65, 0x65, 0x6e, 0x22, 0x3a,
      0x30, 0x2c, 0x22, 0x73, 0x6b, 0x69, 0x70, 0x70, 0x65, 0x64, 0x5f, 0x73, 0x74, 0x65, 0x70,
      0x73, 0x22, 0x3a, 0x30, 0x2c, 0x22, 0x74, 0x65, 0x72, 0x6d, 0x73, 0x22, 0x3a, 0x7b, 0x7d,
      0x7d, 0x7d, 0x7d,
  };
  const auto meta = nlohmann::json::parse(input.begin(), input.end());
  const auto message = error_of([&] { train_state_from_json(meta.at("state"), "crash.ckpt"); });
  EXPECT_TRUE(contains(message, "'batch' is not a 64-bit integer")) << message;
  auto negative_hash = meta.at("state");
  negative_hash["batch"] = 1;
  negative_hash["order_hash"] = -1;
  EXPECT_TRUE(contains(error_of([&] { train_state_from_json(negative_hash, "x"); }), "order_hash"));
}

}  // namespace
}  // namespace dign::run
