// Data-parallel `dign train` end to end, through the built binary on 127.0.0.1: dign launch
// with 2 workers (rank 0 alone writes the run); a 2-rank run killed mid-epoch and resumed ends
// bitwise where an uninterrupted one ends (1 thread per rank), and its checkpoint resumes in
// one process; a SIGKILLed or SIGSTOPped rank makes the other exit non-zero within
// --dist-timeout, naming it; torchrun (when installed); the bad input of issue 23.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "core/file_io.h"
#include "dign_process.h"
#include "distributed/environment.h"
#include "run/checkpoint.h"
#include "run/run_files.h"

namespace dign::distributed {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::contains;
using testing::run_dign;

// 256 images, global batch 64: 4 steps per epoch, a checkpoint every 2 steps.
const std::string kRecipe =
    "--data synthetic --synthetic-train 256 --synthetic-test 32 --width 4 --batch-size 64 "
    "--method standard --quiet --threads 1 --checkpoint-every 2 --keep-last 4";

std::string train_args(const std::string& dir, int epochs) {
  return "train " + kRecipe + " --epochs " + std::to_string(epochs) + " --out " + dir;
}

std::string launch(const std::string& args) {
  return "launch --nproc 2 -- " + args;
}

/// The newest checkpoint's tensors and the log without timings: what must not depend on
/// interruptions.
struct Outcome {
  std::vector<torch::Tensor> tensors;
  std::vector<nlohmann::json> log;
};

Outcome outcome_of(const std::string& dir) {
  Outcome o;
  const std::string newest = run::resolve_checkpoint(dir, "last");
  auto model = run::model_from_meta(run::read_checkpoint_meta(newest));
  run::load_checkpoint(newest, *model, nullptr);
  for (const auto& p : model->parameters()) o.tensors.push_back(p.clone());
  for (const auto& b : model->buffers()) o.tensors.push_back(b.clone());
  std::istringstream lines(read_text_file(run::RunFiles(dir).log()));
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line);
    j.erase("timing");
    o.log.push_back(j);
  }
  return o;
}

/// A step checkpoint written completely (renamed from its temporary) under DIR/checkpoints.
bool has_complete_checkpoint(const std::string& dir) {
  const auto checkpoints = fs::path(dir) / "checkpoints";
  if (!fs::is_directory(checkpoints)) return false;
  for (const auto& entry : fs::directory_iterator(checkpoints)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 5 && name.substr(name.size() - 5) == ".ckpt" && !contains(name, ".tmp-")) {
      return true;
    }
  }
  return false;
}

bool has_temporaries(const std::string& dir) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (contains(entry.path().filename().string(), ".tmp-")) return true;
  }
  return false;
}

/// `dign <args>` started with `env` before it, output in `out`.err/.out; its pid.
pid_t spawn_dign(const std::string& args, const std::string& env, const std::string& out) {
  const std::string command = "exec env " + env + " " + std::string(DIGN_BINARY) + " " + args +
                              " >" + out + ".out 2>" + out + ".err";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

/// The exit code of `pid` (128 + N when killed by N), or -1 when it runs beyond `limit`.
int wait_exit(pid_t pid, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(20ms);
  }
  return -1;
}

std::string rank_env(int rank, int port) {
  return "RANK=" + std::to_string(rank) +
         " WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port);
}

class DataParallelRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    reference_dir_ = new testing::TempDir;
    const auto r = run_dign(launch(train_args(reference_dir_->str("run"), 2)), *reference_dir_);
    ASSERT_EQ(r.code, 0) << r.err;
    reference_ = new Outcome(outcome_of(reference_dir_->str("run")));
  }
  static void TearDownTestSuite() {
    delete reference_;
    delete reference_dir_;
  }
  static testing::TempDir* reference_dir_;
  static Outcome* reference_;
  testing::TempDir dir;
  std::string run() const { return dir.str("run"); }
};
testing::TempDir* DataParallelRun::reference_dir_ = nullptr;
Outcome* DataParallelRun::reference_ = nullptr;

TEST_F(DataParallelRun, LaunchTrainsTwoRanksAndRankZeroWrites) {
  const run::RunFiles files(reference_dir_->str("run"));
  EXPECT_TRUE(fs::exists(files.config()));
  EXPECT_TRUE(fs::exists(files.metrics()));
  ASSERT_EQ(reference_->log.size(), 2u);
  // Every image once per epoch, counted across both ranks.
  const auto line = nlohmann::json::parse(
      read_text_file(files.log()).substr(0, read_text_file(files.log()).find('\n')));
  EXPECT_NEAR(line["timing"]["images_per_second"].get<double>() *
                  line["timing"]["train_seconds"].get<double>(),
              256.0, 1e-6);
}

TEST_F(DataParallelRun, KilledMidEpochAndResumedEndsWhereTheUninterruptedRunEnds) {
  // Both ranks SIGKILL themselves after step 5 (epoch 2, batch 1); the step-4 checkpoint stays.
  auto r = run_dign(launch(train_args(run(), 2)), dir, "DIGN_FAULT=step:5");
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(contains(r.err, "killed by signal 9")) << r.err;
  EXPECT_FALSE(has_temporaries(run()));
  r = run_dign(launch("train --resume " + run()), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const Outcome resumed = outcome_of(run());
  ASSERT_EQ(resumed.tensors.size(), reference_->tensors.size());
  for (size_t k = 0; k < resumed.tensors.size(); ++k) {
    EXPECT_TRUE(torch::equal(resumed.tensors[k], reference_->tensors[k])) << k;
  }
  EXPECT_EQ(resumed.log, reference_->log);
}

TEST_F(DataParallelRun, TwoRankCheckpointResumesInOneProcess) {
  auto r = run_dign(launch(train_args(run(), 2)), dir, "DIGN_FAULT=step:5");
  EXPECT_NE(r.code, 0);
  r = run_dign("train --resume " + run(), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const Outcome resumed = outcome_of(run());
  ASSERT_EQ(resumed.log.size(), 2u);
  // The first epoch was trained by two ranks: its line is theirs.
  EXPECT_EQ(resumed.log[0], reference_->log[0]);
}

/// Rank `victim` receives `sig` once both ranks train; the other must end non-zero within the
/// timeout (2 s) plus the probe for the missing rank, naming the victim, with one line.
void expect_peer_failure_reported(int victim, int sig, const testing::TempDir& dir) {
  const int port = free_loopback_port();
  const std::string args = train_args(dir.str("run"), 200) + " --dist-timeout 2";
  const pid_t ranks[2] = {spawn_dign(args, rank_env(0, port), dir.str("rank0")),
                          spawn_dign(args, rank_env(1, port), dir.str("rank1"))};
  // Both ranks train once the first checkpoint is complete (and rank 0 then has one to keep).
  for (int i = 0; i < 1500 && !has_complete_checkpoint(dir.str("run")); ++i) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(has_complete_checkpoint(dir.str("run"))) << read_text_file(dir.str("rank0.err"));
  const int survivor = 1 - victim;
  ::kill(ranks[victim], sig);
  const auto start = std::chrono::steady_clock::now();
  const int code = wait_exit(ranks[survivor], 15s);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::kill(ranks[0], SIGKILL);
  ::kill(ranks[1], SIGKILL);
  wait_exit(ranks[victim], 5s);
  const std::string err = read_text_file(dir.str("rank" + std::to_string(survivor) + ".err"));
  EXPECT_EQ(code, 3) << err;
  EXPECT_LT(seconds, 2 + 3 + 2);  // timeout + probe + slack: never a hang
  EXPECT_TRUE(contains(err, "rank " + std::to_string(victim))) << err;
  EXPECT_TRUE(contains(err, "died or did not answer")) << err;
  EXPECT_EQ(testing::count_lines(err), 1) << err;
  if (victim == 1) {
    EXPECT_FALSE(has_temporaries(dir.str("run")));
  } else {
    // Rank 0, the writer, died mid-run: whatever it was writing, its newest checkpoint loads.
    EXPECT_NO_THROW({
      const std::string newest = run::resolve_checkpoint(dir.str("run"), "last");
      auto model = run::model_from_meta(run::read_checkpoint_meta(newest));
      run::load_checkpoint(newest, *model, nullptr);
    });
  }
}

TEST(DataParallelFaults, KilledRankEndsTheOthers) {
  testing::TempDir dir;
  expect_peer_failure_reported(1, SIGKILL, dir);
}

TEST(DataParallelFaults, StoppedRankEndsTheOthersWithinTheTimeout) {
  testing::TempDir dir;
  expect_peer_failure_reported(1, SIGSTOP, dir);
}

TEST(DataParallelFaults, KilledRankZeroTheStoreHostEndsTheOthers) {
  testing::TempDir dir;
  expect_peer_failure_reported(0, SIGKILL, dir);
}

TEST(DataParallelFaults, RanksStartedWithDifferentOptionsRefuseNamingTheOption) {
  testing::TempDir dir;
  const int port = free_loopback_port();
  const std::string args = train_args(dir.str("run"), 1) + " --dist-timeout 30";
  const pid_t rank0 = spawn_dign(args + " --sync-bn", rank_env(0, port), dir.str("rank0"));
  const pid_t rank1 = spawn_dign(args, rank_env(1, port), dir.str("rank1"));
  const int code0 = wait_exit(rank0, 60s), code1 = wait_exit(rank1, 60s);
  for (const pid_t pid : {rank0, rank1}) ::kill(pid, SIGKILL);
  for (const auto& [code, err] :
       {std::pair{code0, dir.str("rank0.err")}, std::pair{code1, dir.str("rank1.err")}}) {
    EXPECT_NE(code, 0);
    EXPECT_NE(code, -1);
    const std::string text = read_text_file(err);
    EXPECT_TRUE(contains(text, "ranks disagree on the run")) << text;
    EXPECT_TRUE(contains(text, "sync_bn")) << text;
  }
}

TEST(DataParallelTorchrun, TwoProcessesThroughTorchrun) {
  const char* torchrun = "/usr/bin/torchrun";
  if (!fs::exists(torchrun)) GTEST_SKIP() << "no " << torchrun << " (Debian python3-torch)";
  testing::TempDir dir;
  // --redirects 2 --tee 1 --log_dir: torchrun 1.13 under Python 3.11 fails without them.
  const std::string command =
      std::string("TMPDIR=") + dir.str("") + " " + torchrun +
      " --nnodes 1 --nproc_per_node 2 --master_addr 127.0.0.1 --master_port " +
      std::to_string(free_loopback_port()) + " --redirects 2 --tee 1 --log_dir " + dir.str("logs") +
      " --no_python " + DIGN_BINARY + " " + train_args(dir.str("run"), 1) + " >" +
      dir.str("out.txt") + " 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_text_file(dir.str("out.txt"));
  EXPECT_TRUE(fs::exists(run::RunFiles(dir.str("run")).metrics()));
}

TEST(DataParallelBadInput, OneLineNamingTheVariableOrFlag) {
  testing::TempDir dir;
  auto r = run_dign(train_args(dir.str("a"), 1), dir, "WORLD_SIZE=2");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "RANK is not set")) << r.err;
  r = run_dign(train_args(dir.str("b"), 1), dir, "RANK=0 WORLD_SIZE=2 MASTER_PORT=99999");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "MASTER_PORT='99999'")) << r.err;
  r = run_dign("launch --nproc 3 -- " + train_args(dir.str("c"), 1), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err,
                       "--batch-size: 64 is the global batch and must be divisible by "
                       "WORLD_SIZE=3"))
      << r.err;
  EXPECT_FALSE(fs::exists(dir.str("c")));
  // Ranks started with different options: both fail before anything is written.
  const int port = free_loopback_port();
  const pid_t a = spawn_dign(train_args(dir.str("d"), 1), rank_env(0, port), dir.str("d0"));
  const pid_t b =
      spawn_dign(train_args(dir.str("d"), 1) + " --lr 0.05", rank_env(1, port), dir.str("d1"));
  EXPECT_EQ(wait_exit(a, 60s), 2);
  EXPECT_EQ(wait_exit(b, 60s), 2);
  const std::string err = read_text_file(dir.str("d0.err"));
  EXPECT_TRUE(contains(err, "ranks disagree")) << err;
  EXPECT_TRUE(contains(err, "options/lr")) << err;
  EXPECT_EQ(testing::count_lines(err), 1) << err;
  EXPECT_FALSE(fs::exists(run::RunFiles(dir.str("d")).config()));
}

}  // namespace
}  // namespace dign::distributed
