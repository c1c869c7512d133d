// A run directory held by one process (run/run_directory.h): what create and open refuse, the
// log and metrics it writes, and which checkpoint a resumed run continues from.
#include "run/run_directory.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/file_io.h"
#include "run/checkpoint_format.h"
#include "test_util.h"

namespace dign::run {
namespace {
namespace fs = std::filesystem;
using testing::contains;
using testing::error_of;

/// A config.json that parses (as tests/run/run_config_test.cpp's), for a run at `width`.
nlohmann::json valid_config(int64_t width = 16) {
  TrainOptions o;
  o.out = "runs/a";
  o.model = models::ResNet18Options().width(width);
  return {{"options", to_json(o)},
          {"model",
           {{"arch", "resnet18"},
            {"model_options",
             {{"num_classes", 10},
              {"width", width},
              {"mean", {0.49, 0.48, 0.45}},
              {"std", {0.25, 0.24, 0.26}}}}}},
          {"resolved", {{"device", "cpu"}, {"precision", "fp32"}, {"threads", 2}}},
          {"data", {{"train_hash", "xxh3:0"}, {"selection_hash", "xxh3:1"}}},
          {"inference", {{"ensemble", 1}, {"ensemble_sigma", 0.0}}}};
}

/// Keeps every line it is sent, by kind.
class RecordingProgress : public Progress {
 public:
  void message(const std::string& line) override { messages.push_back(line); }
  void warning(const std::string& line) override { warnings.push_back(line); }
  void status(const std::string& line) override { statuses.push_back(line); }
  std::vector<std::string> messages, warnings, statuses;
};

/// A readable step checkpoint of `state` (the container with a state record; no tensors).
void write_checkpoint(const std::string& path, const TrainState& state) {
  fs::create_directories(fs::path(path).parent_path());
  write_file_atomic(path, encode_checkpoint({{"state", to_json(state)}}, "payload"));
}

TEST(RunDirectory, CreateWritesConfigJsonAndLocksTheDirectory) {
  testing::TempDir dir;
  const std::string run = dir.str("run");
  const RunDirectory created = RunDirectory::create(run, valid_config());
  EXPECT_EQ(created.dir(), run);
  EXPECT_EQ(nlohmann::json::parse(read_text_file(created.files().config())), valid_config());
  EXPECT_EQ(created.config().json, valid_config());
  EXPECT_EQ(std::get<models::ResNet18Options>(created.config().options.model).width(), 16);
  // Held: another open names this process as the holder.
  const auto message = error_of([&] { RunDirectory::open(run); });
  EXPECT_TRUE(contains(message, "another dign run")) << message;
  EXPECT_TRUE(contains(message, lock_holder_description())) << message;
}

TEST(RunDirectory, CreateRefusesADirectoryThatHoldsARunAndWritesNothing) {
  testing::TempDir dir;
  const std::string run = dir.str("run");
  { RunDirectory::create(run, valid_config(16)); }  // lock released
  const std::string before = read_text_file(RunFiles(run).config());
  const auto message = error_of([&] { RunDirectory::create(run, valid_config(32)); });
  EXPECT_TRUE(contains(message, "already holds a run")) << message;
  EXPECT_TRUE(contains(message, run)) << message;
  EXPECT_EQ(read_text_file(RunFiles(run).config()), before);
  EXPECT_TRUE(contains(error_of([&] { RunDirectory::check_free(run); }), "already holds a run"));
  EXPECT_EQ(error_of([&] { RunDirectory::check_free(dir.str("fresh")); }), "<no error>");
}

TEST(RunDirectory, CreateInADirectoryAnotherProcessHoldsNamesTheHolder) {
  // Another run has locked the directory but not yet written its config.json.
  testing::TempDir dir;
  const std::string run = dir.str("run");
  RunLock holder(run);
  const auto message = error_of([&] { RunDirectory::create(run, valid_config()); });
  EXPECT_TRUE(contains(message, "another dign run")) << message;
  EXPECT_TRUE(contains(message, lock_holder_description())) << message;
  EXPECT_FALSE(fs::exists(RunFiles(run).config()));
}

TEST(RunDirectory, ALockTakenForAnInstantIsWaitedOut) {
  // `dign experiment status` probes a run by taking its flock for an instant: a run starting at
  // that moment must not take the probe for another run.
  testing::TempDir dir;
  const std::string run = dir.str("run");
  { RunLock first(run); }  // the lock file exists, as the probe needs
  const int probe = ::open((run + "/lock").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(probe, 0);
  ASSERT_EQ(::flock(probe, LOCK_EX | LOCK_NB), 0);
  std::thread release([probe] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ::close(probe);
  });
  EXPECT_EQ(error_of([&] { RunLock again(run); }), "<no error>");
  release.join();
}

TEST(RunDirectory, CreateRefusesAnInvalidConfigBeforeTouchingTheDirectory) {
  testing::TempDir dir;
  auto config = valid_config();
  config["options"]["epochs"] = 0;
  const auto message = error_of([&] { RunDirectory::create(dir.str("run"), config); });
  EXPECT_TRUE(contains(message, "epochs")) << message;
  EXPECT_FALSE(fs::exists(dir.str("run")));
}

TEST(RunDirectory, OpenOfAMissingRunNamesItsConfigJson) {
  testing::TempDir dir;
  const std::string run = dir.str("nothing-here");
  const auto message = error_of([&] { RunDirectory::open(run); });
  EXPECT_TRUE(contains(message, "no run to resume")) << message;
  EXPECT_TRUE(contains(message, RunFiles(run).config())) << message;
}

TEST(RunDirectory, OpenReadsTheRunAndALaterOpenWaitsForTheRelease) {
  testing::TempDir dir;
  const std::string run = dir.str("run");
  { RunDirectory::create(run, valid_config(8)); }
  {
    const RunDirectory opened = RunDirectory::open(run);
    EXPECT_EQ(opened.config().json, valid_config(8));
    const auto message = error_of([&] { RunDirectory::open(run); });
    EXPECT_TRUE(contains(message, lock_holder_description())) << message;
  }
  EXPECT_EQ(error_of([&] { RunDirectory::open(run); }), "<no error>");
}

TEST(RunDirectory, LogAndMetricsRoundTrip) {
  testing::TempDir dir;
  const RunDirectory run = RunDirectory::create(dir.str("run"), valid_config());
  const std::vector<nlohmann::json> lines = {{{"epoch", 1}, {"test_accuracy", 0.5}},
                                             {{"epoch", 2}, {"test_accuracy", 0.1 + 0.2}}};
  run.write_log(lines);
  // One compact JSON object per line.
  EXPECT_EQ(read_text_file(run.files().log()), lines[0].dump() + "\n" + lines[1].dump() + "\n");
  std::vector<nlohmann::json> back;
  std::istringstream text(read_text_file(run.files().log()));
  for (std::string line; std::getline(text, line);) back.push_back(nlohmann::json::parse(line));
  EXPECT_EQ(back, lines);
  run.write_log({lines[0]});  // rewritten, not appended
  EXPECT_EQ(read_text_file(run.files().log()), lines[0].dump() + "\n");
  const nlohmann::json metrics = {{"best", {{"accuracy", 0.75}, {"epoch", 2}}},
                                  {"selection_set", "test"}};
  run.write_metrics(metrics);
  EXPECT_EQ(nlohmann::json::parse(read_text_file(run.files().metrics())), metrics);
}

TEST(RunDirectory, NewestCheckpointSkipsAnUnreadableNewestOneWithAWarning) {
  testing::TempDir dir;
  const RunDirectory run = RunDirectory::create(dir.str("run"), valid_config());
  TrainState older;
  older.epoch = 1;
  older.batch = 2;
  older.step = 7;  // 5 batches of epoch 1, 2 of epoch 2
  older.best_epoch = 1;
  older.best_accuracy = 0.5;
  older.log = {{{"epoch", 1}, {"test_accuracy", 0.5}}};
  write_checkpoint(run.files().checkpoint(7), older);
  // The newest (step 9): cut short, as a full disk would leave it.
  std::string truncated = encode_checkpoint({{"state", to_json(older)}}, "payload");
  truncated.resize(truncated.size() / 2);
  write_file_atomic(run.files().checkpoint(9), truncated);
  RecordingProgress progress;
  const auto saved = run.newest_checkpoint(progress);
  ASSERT_TRUE(saved.has_value());
  EXPECT_EQ(saved->path, run.files().checkpoint(7));
  EXPECT_EQ(to_json(saved->state), to_json(older));
  ASSERT_EQ(progress.warnings.size(), 1u);
  EXPECT_TRUE(contains(progress.warnings[0], "skipping checkpoint " + run.files().checkpoint(9)))
      << progress.warnings[0];
  EXPECT_TRUE(progress.messages.empty());
  // With both readable the newest wins, silently.
  TrainState newer = older;
  newer.step = 9;
  newer.batch = 4;
  write_checkpoint(run.files().checkpoint(9), newer);
  RecordingProgress quiet;
  EXPECT_EQ(run.newest_checkpoint(quiet)->state.step, 9);
  EXPECT_TRUE(quiet.warnings.empty());
}

TEST(RunDirectory, NewestCheckpointIsNulloptWithoutAnyAndAnErrorWhenNoneIsReadable) {
  testing::TempDir dir;
  const RunDirectory run = RunDirectory::create(dir.str("run"), valid_config());
  RecordingProgress progress;
  EXPECT_FALSE(run.newest_checkpoint(progress).has_value());
  EXPECT_TRUE(progress.warnings.empty());
  testing::write_text(run.files().checkpoint(3), "not a checkpoint");
  const auto message = error_of([&] { run.newest_checkpoint(progress); });
  EXPECT_TRUE(contains(message, "no readable checkpoint")) << message;
  EXPECT_TRUE(contains(message, run.files().checkpoint(3))) << message;
  EXPECT_EQ(progress.warnings.size(), 1u);
}

}  // namespace
}  // namespace dign::run
