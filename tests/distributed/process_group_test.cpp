// The process group and gradient averaging (distributed/process_group.h, gradient_sync.h),
// with ranks as processes forked by the test on a loopback rendezvous: known answers;
// 2 ranks x 32 images train the same parameters as 1 process x 64 through the real training
// loop (BatchNorm-free model), and without gradient averaging they do not (negative control);
// a silent rank makes the other fail within the timeout, naming it.
#include "distributed/process_group.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/file_io.h"

#include "core/torch_rng.h"
#include "distributed/environment.h"
#include "distributed/gradient_sync.h"
#include "objectives/registry.h"
#include "test_util.h"
#include "train/loop.h"

namespace dign::distributed {
namespace {

using namespace std::chrono_literals;
using testing::contains;

/// `body(group)` as `world` ranks, each a forked process (Gloo's devices do not rendezvous
/// reliably within one process): what each rank returned, by rank. A rank that throws or
/// ends abnormally fails the test with its message.
template <typename Body>
std::vector<std::vector<torch::Tensor>> run_ranks(int world, const Body& body,
                                                  std::chrono::milliseconds timeout = 20s) {
  const testing::TempDir dir;
  const int port = free_loopback_port();
  std::vector<pid_t> pids;
  for (int r = 0; r < world; ++r) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      try {
        at::set_num_threads(1);
        WorldEnv w;
        w.rank = r;
        w.world_size = world;
        w.master_port = port;
        // The collectives' timeout under test; the start-up wait as long as a loaded CI
        // machine may need to start the other process.
        std::vector<torch::Tensor> out = body(ProcessGroup::connect(w, timeout, 30s));
        torch::save(out, dir.str("rank" + std::to_string(r) + ".pt"));
        ::_exit(0);
      } catch (const std::exception& e) {
        write_file_atomic(dir.str("rank" + std::to_string(r) + ".err"), e.what());
        ::_exit(1);
      }
    }
    pids.push_back(pid);
  }
  std::vector<std::vector<torch::Tensor>> results(static_cast<size_t>(world));
  for (int r = 0; r < world; ++r) {
    int status = 0;
    ::waitpid(pids[static_cast<size_t>(r)], &status, 0);
    const std::string name = dir.str("rank" + std::to_string(r));
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "rank " << r << ": "
        << (std::filesystem::exists(name + ".err") ? read_text_file(name + ".err") : "crashed");
    if (std::filesystem::exists(name + ".pt")) {
      torch::load(results[static_cast<size_t>(r)], name + ".pt");
    }
  }
  return results;
}

TEST(ProcessGroup, CollectivesKnownAnswers) {
  const auto out = run_ranks(2, [](const std::shared_ptr<ProcessGroup>& g) {
    const int r = g->rank();
    // (1 + 2) on both ranks; a second tensor of another shape in the same call.
    std::vector<at::Tensor> t{torch::full({3}, r + 1.0), torch::full({2, 2}, 10.0 * r)};
    g->all_reduce_sum(t);
    std::vector<at::Tensor> b{torch::full({2}, 5.0 + r)};
    g->broadcast(b, /*root=*/1);
    const auto all = g->all_gather(torch::full({2}, static_cast<int64_t>(7 * r)));
    const auto bytes = g->all_gather_bytes(r == 0 ? "" : "rank one");
    g->barrier();
    return std::vector<torch::Tensor>{
        t[0],
        t[1],
        b[0],
        all[0],
        all[1],
        torch::tensor({static_cast<int64_t>(g->size()), static_cast<int64_t>(bytes[0].size()),
                       static_cast<int64_t>(bytes[1] == "rank one")})};
  });
  for (const auto& rank : out) {
    ASSERT_EQ(rank.size(), 6u);
    EXPECT_TRUE(rank[0].equal(torch::full({3}, 3.0)));
    EXPECT_TRUE(rank[1].equal(torch::full({2, 2}, 10.0)));
    EXPECT_TRUE(rank[2].equal(torch::full({2}, 6.0)));  // root 1's 5 + 1
    EXPECT_TRUE(rank[3].equal(torch::zeros({2}, torch::kLong)));
    EXPECT_TRUE(rank[4].equal(torch::full({2}, int64_t{7})));
    EXPECT_TRUE(rank[5].equal(torch::tensor({int64_t{2}, int64_t{0}, int64_t{1}})));
  }
}

TEST(GradientSync, AveragesInBucketsAndAgrees) {
  const auto out = run_ranks(2, [](const std::shared_ptr<ProcessGroup>& g) {
    const double r = g->rank();
    // Parameters of 4, 6 and 2 floats in buckets of at most 32 bytes, in reverse order:
    // {c (8 B), b (24 B)}, then {a}.
    std::vector<torch::Tensor> p{torch::zeros({4}, torch::requires_grad()),
                                 torch::zeros({2, 3}, torch::requires_grad()),
                                 torch::zeros({2}, torch::requires_grad())};
    p[0].mutable_grad() = torch::full({4}, 1.0 + r);          // mean 1.5
    p[1].mutable_grad() = torch::full({2, 3}, 4.0 * r);       // mean 2
    if (r == 1) p[2].mutable_grad() = torch::full({2}, 6.0);  // rank 0: none = 0; mean 3
    GradientSync sync(g, p, /*bucket_bytes=*/32);
    sync.average();
    std::vector<torch::Tensor> state{torch::full({3}, r), torch::full({2}, int64_t(r) + 4)};
    broadcast_from_root(*g, state);
    return std::vector<torch::Tensor>{
        p[0].grad(),
        p[1].grad(),
        p[2].grad(),
        state[0],
        state[1],
        torch::tensor({sync.buckets(), int64_t{sync.all_finite(true)},
                       int64_t{sync.all_finite(r == 0)},  // one rank non-finite: all skip
                       int64_t{sync.agree_stop(r == 1 ? 15 : 0)}, int64_t{sync.agree_stop(0)}})};
  });
  for (const auto& rank : out) {
    ASSERT_EQ(rank.size(), 6u);
    EXPECT_TRUE(rank[0].equal(torch::full({4}, 1.5)));
    EXPECT_TRUE(rank[1].equal(torch::full({2, 3}, 2.0)));
    EXPECT_TRUE(rank[2].equal(torch::full({2}, 3.0)));
    EXPECT_TRUE(rank[3].equal(torch::zeros({3})));  // rank 0's values everywhere
    EXPECT_TRUE(rank[4].equal(torch::full({2}, int64_t{4})));
    EXPECT_TRUE(rank[5].equal(torch::tensor({2, 1, 0, 15, 0}, torch::kLong)));
  }
}

/// A BatchNorm-free classifier: flatten, 12 tanh units, logits.
class TinyMlp : public models::ClassifierImpl {
 public:
  TinyMlp(int64_t inputs, int64_t classes) {
    hidden_ = register_module("hidden", torch::nn::Linear(inputs, 12));
    out_ = register_module("out", torch::nn::Linear(12, classes));
  }
  torch::Tensor forward(torch::Tensor images) override {
    return out_(torch::tanh(hidden_(images.flatten(1))));
  }

 private:
  torch::nn::Linear hidden_{nullptr}, out_{nullptr};
};

/// The trainer's data-parallel hooks, as train/training_run_parallel.cpp has them;
/// `average` false: the negative control, each rank trains on its own gradients.
class ParallelHooks : public train::TrainerHooks {
 public:
  ParallelHooks(std::shared_ptr<ProcessGroup> group, GradientSync& sync, bool average)
      : group_(std::move(group)), sync_(sync), average_(average) {}
  void after_backward(models::ClassifierImpl& /*model*/) override {
    if (average_) sync_.average();
  }
  bool agree_finite(bool finite) override { return sync_.all_finite(finite); }
  int agree_stop(int signal) override { return sync_.agree_stop(signal); }
  void sum_step_totals(torch::Tensor& totals) override {
    std::vector<torch::Tensor> t{totals};
    group_->all_reduce_sum(t);
  }

 private:
  std::shared_ptr<ProcessGroup> group_;
  GradientSync& sync_;
  bool average_;
};

/// 2 epochs of 256 synthetic images in global batches of 64 (8 steps), SGD with Nesterov
/// momentum and weight decay, the standard objective, no augmentation, through the training
/// loop: as a rank of `group` (null: one process). Each rank initialises from its own seed;
/// the group starts from rank 0's parameters. Returns the parameters, the initial ones, then
/// [train loss epoch 1, epoch 2, train accuracy epoch 1, epoch 2, steps, images seen].
std::vector<torch::Tensor> train_tiny(const std::shared_ptr<ProcessGroup>& group, bool average) {
  run::TrainOptions o;
  o.data.synthetic_train = 256;
  o.data.synthetic_test = 8;
  o.augment = "none";
  o.batch_size = 64;
  o.epochs = 2;
  o.lr = 0.05;
  o.method = objectives::MethodConfig::named("standard");
  o.seed = 3;
  const train::TrainingData data = train::prepare_training_data(o, 1);
  const int rank = group ? group->rank() : 0;
  auto model = std::make_shared<TinyMlp>(3 * data.image_size * data.image_size,
                                         data.dataset.train.num_classes());
  auto init = make_generator(torch::kCPU, 100 + static_cast<uint64_t>(rank));
  model->reset_parameters(init);
  auto objective = objectives::make_objective(o.method);
  auto optimizer = train::make_optimizer(*model, o);
  Machine machine;  // CPU, fp32, 1 thread
  SilentProgress quiet;
  train::TrainingLoop loop(o, machine, data, *model, *objective, *optimizer, quiet);
  loop.set_selection_metric("none_accuracy", [](models::ClassifierImpl&) { return 0.0; });
  std::vector<torch::Tensor> initial;
  for (const auto& p : model->parameters()) initial.push_back(p.detach().clone());
  run::TrainState state;
  if (group) {
    broadcast_from_root(*group, model->parameters());
    GradientSync sync(group, model->parameters(), 25 << 20);
    ParallelHooks hooks(group, sync, average);
    loop.set_shard(group->rank(), group->size());
    DIGN_CHECK(loop.run(state, hooks) == 0, "stopped");
  } else {
    train::TrainerHooks none;
    DIGN_CHECK(loop.run(state, none) == 0, "stopped");
  }
  std::vector<torch::Tensor> out;
  for (const auto& p : model->parameters()) out.push_back(p.detach().clone());
  for (const auto& p : initial) out.push_back(p);
  DIGN_CHECK(state.log.size() == 2, "epochs logged: ", state.log.size());
  out.push_back(torch::tensor(
      {state.log[0]["train_loss"].get<double>(), state.log[1]["train_loss"].get<double>(),
       state.log[0]["train_accuracy"].get<double>(), state.log[1]["train_accuracy"].get<double>(),
       static_cast<double>(state.step), static_cast<double>(state.images_seen)},
      torch::kFloat64));
  return out;
}

constexpr size_t kParameters = 4;  // two Linear layers' weights and biases

double max_difference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b,
                      size_t first_b = 0) {
  double d = 0;
  for (size_t k = 0; k < kParameters; ++k) {
    d = std::max(d, (a[k] - b[first_b + k]).abs().max().item<double>());
  }
  return d;
}

TEST(DataParallelTraining, TwoRanksEqualOneProcess) {
  const auto ranks = run_ranks(
      2, [](const std::shared_ptr<ProcessGroup>& g) { return train_tiny(g, /*average=*/true); });
  at::set_num_threads(1);
  const auto single = train_tiny(nullptr, true);
  ASSERT_EQ(ranks[0].size(), 2 * kParameters + 1);
  ASSERT_EQ(ranks[1].size(), 2 * kParameters + 1);
  EXPECT_EQ(max_difference(ranks[0], ranks[1]), 0.0);  // the same sums on both ranks
  EXPECT_LT(max_difference(ranks[0], single), 1e-5);   // float summation order only
  // Training moved the parameters: the equality is not that of untouched tensors.
  EXPECT_GT(max_difference(single, single, kParameters), 1e-2);
  // The log counts the global batch: every image once per epoch, the same mean loss.
  const auto& one = single.back();
  const auto& two = ranks[1].back();
  EXPECT_NEAR(two[0].item<double>(), one[0].item<double>(), 1e-5);
  EXPECT_NEAR(two[1].item<double>(), one[1].item<double>(), 1e-5);
  EXPECT_EQ(two[2].item<double>(), one[2].item<double>());
  EXPECT_EQ(two[3].item<double>(), one[3].item<double>());
  EXPECT_EQ(two[4].item<double>(), 8);
  EXPECT_EQ(two[5].item<double>(), 512);
}

TEST(DataParallelTraining, WithoutGradientAveragingRanksDiverge) {
  const auto ranks = run_ranks(
      2, [](const std::shared_ptr<ProcessGroup>& g) { return train_tiny(g, /*average=*/false); });
  at::set_num_threads(1);
  const auto single = train_tiny(nullptr, true);
  ASSERT_EQ(ranks[0].size(), 2 * kParameters + 1);
  EXPECT_GT(max_difference(ranks[0], ranks[1]), 1e-3);
  EXPECT_GT(max_difference(ranks[0], single), 1e-3);
}

TEST(ProcessGroup, SilentRankFailsTheOthersWithinTheTimeout) {
  const testing::TempDir dir;
  const std::string message_file = dir.str("message.txt");
  const auto out = run_ranks(
      2,
      [&](const std::shared_ptr<ProcessGroup>& g) {
        if (g->rank() == 1) {
          std::this_thread::sleep_for(5s);  // alive, silent: as SIGSTOP
          return std::vector<torch::Tensor>{};
        }
        const auto start = std::chrono::steady_clock::now();
        std::vector<at::Tensor> t{torch::ones({4})};
        try {
          g->all_reduce_sum(t);
        } catch (const PeerFailure& e) {
          write_file_atomic(message_file, e.what());
        }
        const double waited =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return std::vector<torch::Tensor>{torch::tensor({waited}, torch::kFloat64)};
      },
      1s);
  ASSERT_EQ(out[0].size(), 1u);
  const std::string message = read_text_file(message_file);
  EXPECT_TRUE(contains(message, "all-reduce")) << message;
  EXPECT_TRUE(contains(message, "rank 1 died or did not answer")) << message;
  EXPECT_TRUE(contains(message, "--dist-timeout 1 s")) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
  // The timeout and the probe for the missing rank, not the silent rank's 5 s.
  EXPECT_LT(out[0][0][0].item<double>(), 4.5);
}

TEST(ProcessGroup, RendezvousWithoutTheHostFails) {
  WorldEnv w;
  w.rank = 1;
  w.world_size = 2;
  w.master_port = free_loopback_port();
  try {
    ProcessGroup::connect(w, 1s);
    FAIL() << "connected to nobody";
  } catch (const PeerFailure& e) {
    EXPECT_TRUE(contains(e.what(), "rendezvous at 127.0.0.1:")) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace dign::distributed
