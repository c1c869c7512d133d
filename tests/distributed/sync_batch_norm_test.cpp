#include "distributed/sync_batch_norm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/file_io.h"
#include "dign_process.h"
#include "distributed/thread_ranks.h"
#include "models/batch_norm.h"
#include "models/resnet.h"
#include "run/checkpoint.h"
#include "run/run_files.h"

namespace dign::distributed {
namespace {

using torch::Tensor;

/// Simulated ranks (thread_ranks.h) with sync BatchNorm's all-reduce.
class ThreadGroup : public dign::testing::ThreadRanks {
 public:
  using ThreadRanks::ThreadRanks;
  AllReduceSum all_reduce(int rank) {
    return [this, rank](Tensor& t) { ThreadRanks::all_reduce(rank, t); };
  }
};

bool close(const Tensor& a, const Tensor& b, double tol = 1e-5) {
  return a.sizes() == b.sizes() && torch::allclose(a, b, tol, tol);
}

struct Step {
  Tensor x, g;  // input and the loss's weights: loss = sum(out * g)
};

/// Single-process reference and K synchronised replicas over chunks of the same batches:
/// outputs, input gradients, summed parameter gradients and running statistics must agree.
void expect_equivalent(const std::vector<int64_t>& chunk_sizes, const std::vector<Step>& steps) {
  const int ranks = static_cast<int>(chunk_sizes.size());
  torch::manual_seed(7);
  const int64_t channels = steps[0].x.size(1);
  const Tensor weight = torch::rand({channels}) + 0.5, bias = torch::randn({channels});

  torch::nn::BatchNorm2d reference(torch::nn::BatchNorm2dOptions(channels).momentum(0.3));
  std::vector<models::BatchNorm2d> replicas;
  {
    torch::NoGradGuard no_grad;
    reference->weight.copy_(weight);
    reference->bias.copy_(bias);
    for (int r = 0; r < ranks; ++r) {
      replicas.emplace_back(torch::nn::BatchNorm2dOptions(channels).momentum(0.3));
      replicas.back()->weight.copy_(weight);
      replicas.back()->bias.copy_(bias);
    }
  }
  ThreadGroup group(ranks);
  for (int r = 0; r < ranks; ++r) {
    EXPECT_EQ(enable_sync_batch_norm(*replicas[static_cast<size_t>(r)], group.all_reduce(r)), 1);
  }

  for (const auto& step : steps) {
    const Tensor x = step.x.clone().requires_grad_(true);
    const Tensor out = reference(x);
    (out * step.g).sum().backward();

    const auto xs = step.x.split_with_sizes(chunk_sizes);
    const auto gs = step.g.split_with_sizes(chunk_sizes);
    std::vector<Tensor> outs(xs.size()), inputs(xs.size());
    group.run([&](int r) {
      const auto i = static_cast<size_t>(r);
      inputs[i] = xs[i].clone().requires_grad_(true);
      outs[i] = replicas[i](inputs[i]);
      (outs[i] * gs[i]).sum().backward();
    });
    std::vector<Tensor> input_grads;
    Tensor weight_grad = torch::zeros({channels}), bias_grad = torch::zeros({channels});
    for (size_t i = 0; i < xs.size(); ++i) {
      input_grads.push_back(inputs[i].grad());
      weight_grad += replicas[i]->weight.grad();
      bias_grad += replicas[i]->bias.grad();
    }
    EXPECT_TRUE(close(torch::cat(outs), out.detach()));
    EXPECT_TRUE(close(torch::cat(input_grads), x.grad()));
    EXPECT_TRUE(close(weight_grad, reference->weight.grad()));
    EXPECT_TRUE(close(bias_grad, reference->bias.grad()));
    // The gradients are not trivial (a wrong sum would not hide behind zeros).
    EXPECT_GT(x.grad().abs().max().item<double>(), 0.1);
    for (auto& replica : replicas) {
      EXPECT_TRUE(close(replica->running_mean, reference->running_mean));
      EXPECT_TRUE(close(replica->running_var, reference->running_var));
      EXPECT_EQ(replica->num_batches_tracked.item<int64_t>(),
                reference->num_batches_tracked.item<int64_t>());
      replica->weight.mutable_grad().zero_();
      replica->bias.mutable_grad().zero_();
    }
    reference->weight.mutable_grad().zero_();
    reference->bias.mutable_grad().zero_();
  }
}

std::vector<Step> batches(int64_t n, int64_t channels, int count) {
  torch::manual_seed(3);
  std::vector<Step> steps;
  for (int i = 0; i < count; ++i) {
    // Channel means far from 0 (as after a convolution): E[x^2] - E[x]^2 must not cancel.
    const Tensor shift = torch::arange(channels, torch::kFloat).view({1, -1, 1, 1}) * 3 - 2;
    steps.push_back(
        {torch::randn({n, channels, 4, 5}) * 1.5 + shift, torch::randn({n, channels, 4, 5})});
  }
  return steps;
}

TEST(SyncBatchNorm, TwoRanksEqualOneProcessOverTheConcatenatedBatch) {
  expect_equivalent({4, 4}, batches(8, 3, 2));
}

TEST(SyncBatchNorm, FourRanksAndUnequalShardsEqualOneProcess) {
  expect_equivalent({2, 2, 2, 2}, batches(8, 3, 2));
  expect_equivalent({3, 3, 1}, batches(7, 2, 2));
}

TEST(SyncBatchNorm, OneRankIsBatchNorm) {
  expect_equivalent({6}, batches(6, 4, 3));
}

TEST(SyncBatchNorm, MatchesTheHandComputedNormalisationAndRunningStatistics) {
  // One channel, values {1, 2} on rank 0 and {3, 6} on rank 1: mean 3, biased variance
  // (4 + 1 + 0 + 9) / 4 = 3.5, unbiased 14 / 3. Weight 2, bias 1: y = 2 (x - 3) / sqrt(3.5) + 1.
  ThreadGroup group(2);
  const Tensor xs[2] = {torch::tensor({1.0, 2.0}, torch::kDouble).view({2, 1, 1, 1}),
                        torch::tensor({3.0, 6.0}, torch::kDouble).view({2, 1, 1, 1})};
  Tensor outs[2], means[2], vars[2];
  group.run([&](int r) {
    const Tensor mean = torch::zeros({1}, torch::kDouble), var = torch::ones({1}, torch::kDouble);
    outs[r] = sync_batch_norm(xs[r], torch::full({1}, 2.0, torch::kDouble),
                              torch::ones({1}, torch::kDouble), mean, var, /*momentum=*/0.5,
                              /*eps=*/0.0, group.all_reduce(r));
    means[r] = mean;
    vars[r] = var;
  });
  const double s = std::sqrt(3.5);
  EXPECT_TRUE(
      close(outs[0].flatten(), torch::tensor({-4 / s + 1, -2 / s + 1}, torch::kDouble), 1e-12));
  EXPECT_TRUE(close(outs[1].flatten(), torch::tensor({1.0, 6 / s + 1}, torch::kDouble), 1e-12));
  for (int r = 0; r < 2; ++r) {
    EXPECT_NEAR(means[r].item<double>(), 0.5 * 0 + 0.5 * 3, 1e-12);
    EXPECT_NEAR(vars[r].item<double>(), 0.5 * 1 + 0.5 * 14.0 / 3, 1e-12);
  }
}

/// sum(out * g) over every rank, for the finite differences.
double total_loss(ThreadGroup& group, const std::vector<Tensor>& xs, const std::vector<Tensor>& gs,
                  const Tensor& weight, const Tensor& bias) {
  std::vector<double> losses(xs.size());
  group.run([&](int r) {
    const auto i = static_cast<size_t>(r);
    const Tensor out =
        sync_batch_norm(xs[i], weight, bias, Tensor(), Tensor(), 0.1, 1e-5, group.all_reduce(r));
    losses[i] = (out * gs[i]).sum().item<double>();
  });
  double total = 0;
  for (const double l : losses) total += l;
  return total;
}

TEST(SyncBatchNorm, GradientsMatchFiniteDifferencesOverTwoRanks) {
  // Double precision; central differences of the loss summed over both ranks, perturbing
  // every input element of both ranks, every weight and bias.
  torch::manual_seed(11);
  const auto opts = torch::TensorOptions().dtype(torch::kDouble);
  std::vector<Tensor> xs = {torch::randn({2, 2, 2, 3}, opts) + 1, torch::randn({3, 2, 2, 3}, opts)};
  const std::vector<Tensor> gs = {torch::randn({2, 2, 2, 3}, opts),
                                  torch::randn({3, 2, 2, 3}, opts)};
  Tensor weight = torch::rand({2}, opts) + 0.5, bias = torch::randn({2}, opts);

  ThreadGroup group(2);
  std::vector<Tensor> inputs(2);
  const Tensor w = weight.clone().requires_grad_(true), b = bias.clone().requires_grad_(true);
  std::vector<Tensor> weight_grads(2), bias_grads(2);
  group.run([&](int r) {
    // Each rank has its own parameter replica, as in data-parallel training.
    const Tensor wr = weight.clone().requires_grad_(true), br = bias.clone().requires_grad_(true);
    inputs[r] = xs[r].clone().requires_grad_(true);
    const Tensor out =
        sync_batch_norm(inputs[r], wr, br, Tensor(), Tensor(), 0.1, 1e-5, group.all_reduce(r));
    (out * gs[r]).sum().backward();
    weight_grads[r] = wr.grad();
    bias_grads[r] = br.grad();
  });

  const double h = 1e-6, tol = 1e-6;
  auto numeric = [&](Tensor& t, int64_t i) {
    auto flat = t.view({-1});
    const double v = flat[i].item<double>();
    flat[i].fill_(v + h);
    const double up = total_loss(group, xs, gs, weight, bias);
    flat[i].fill_(v - h);
    const double down = total_loss(group, xs, gs, weight, bias);
    flat[i].fill_(v);
    return (up - down) / (2 * h);
  };
  for (size_t r = 0; r < 2; ++r) {
    for (int64_t i = 0; i < xs[r].numel(); ++i) {
      EXPECT_NEAR(inputs[r].grad().view({-1})[i].item<double>(), numeric(xs[r], i), tol)
          << "rank " << r << " x[" << i << "]";
    }
  }
  for (int64_t c = 0; c < 2; ++c) {
    EXPECT_NEAR((weight_grads[0] + weight_grads[1])[c].item<double>(), numeric(weight, c), tol);
    EXPECT_NEAR((bias_grads[0] + bias_grads[1])[c].item<double>(), numeric(bias, c), tol);
  }
}

TEST(SyncBatchNorm, EvalModeIsBatchNormWithoutCollectives) {
  torch::manual_seed(5);
  models::BatchNorm2d bn(3);
  torch::nn::BatchNorm2d plain(3);
  {
    torch::NoGradGuard no_grad;
    for (auto* m : {&bn->running_mean, &plain->running_mean})
      m->copy_(torch::tensor({1.0, -2.0, 0.5}));
    for (auto* v : {&bn->running_var, &plain->running_var})
      v->copy_(torch::tensor({4.0, 0.25, 1.0}));
  }
  int calls = 0;
  enable_sync_batch_norm(*bn, [&calls](Tensor&) { ++calls; });
  bn->eval();
  plain->eval();
  const Tensor x = torch::randn({4, 3, 2, 2});
  EXPECT_TRUE(torch::equal(bn(x), plain(x)));
  EXPECT_EQ(calls, 0);
  bn->train();
  bn(x);
  EXPECT_EQ(calls, 1);  // one all-reduce per training forward
  disable_sync_batch_norm(*bn);
  bn(x);
  EXPECT_EQ(calls, 1);
}

TEST(SyncBatchNorm, EnablesEveryBatchNormOfAResNetAndRejectsModelsWithout) {
  auto net = models::make_classifier(models::ResNet18Options().width(2),
                                     models::ModelData().num_classes(3));
  // Stem 1 + 8 blocks x 2 + the projection shortcuts of stages 2-4: 20 layers.
  EXPECT_EQ(enable_sync_batch_norm(*net, [](Tensor&) {}), 20);

  torch::nn::Sequential no_bn(torch::nn::Conv2d(3, 4, 3), torch::nn::ReLU());
  try {
    enable_sync_batch_norm(*no_bn, [](Tensor&) {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("--sync-bn: the model has no BatchNorm", 0), 0u) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos);
  }
  torch::nn::Sequential plain(torch::nn::Conv2d(3, 4, 3), torch::nn::BatchNorm2d(4));
  EXPECT_THROW(enable_sync_batch_norm(*plain, [](Tensor&) {}), Error);
}

// End to end through the built binary on 127.0.0.1: dign launch --nproc 2 -- train --sync-bn
// takes the step one process takes with the same global batch of 32; without --sync-bn
// (statistics per rank's half batch) it does not: the negative control. One step, fp32 (auto
// picks bf16 on CPUs with it, where LibTorch's BatchNorm rounds differently from this one).
const std::string kRecipe =
    "--data synthetic --synthetic-train 32 --synthetic-test 16 --width 4 --batch-size 32 "
    "--method standard --augment none --precision fp32 --quiet --threads 1";

std::vector<Tensor> trained_tensors(const std::string& dir) {
  const std::string newest = run::resolve_checkpoint(dir, "last");
  auto model = run::model_from_meta(run::read_checkpoint_meta(newest));
  run::load_checkpoint(newest, *model, nullptr);
  std::vector<Tensor> tensors;
  for (const auto& p : model->parameters()) tensors.push_back(p.detach().clone());
  for (const auto& b : model->buffers()) tensors.push_back(b.clone());
  return tensors;
}

double max_difference(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  EXPECT_EQ(a.size(), b.size());
  double most = 0;
  for (size_t k = 0; k < a.size() && k < b.size(); ++k) {
    most = std::max(most,
                    (a[k].to(torch::kDouble) - b[k].to(torch::kDouble)).abs().max().item<double>());
  }
  return most;
}

TEST(SyncBatchNormEndToEnd, TwoRanksWithSyncBnTrainAsOneProcessWithTheGlobalBatch) {
  dign::testing::TempDir dir;
  auto r = dign::testing::run_dign("train " + kRecipe + " --epochs 1 --out " + dir.str("one"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  r = dign::testing::run_dign(
      "launch --nproc 2 -- train " + kRecipe + " --epochs 1 --sync-bn --out " + dir.str("sync"),
      dir);
  ASSERT_EQ(r.code, 0) << r.err;
  r = dign::testing::run_dign(
      "launch --nproc 2 -- train " + kRecipe + " --epochs 1 --out " + dir.str("own"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto one = trained_tensors(dir.str("one"));
  const double synced = max_difference(trained_tensors(dir.str("sync")), one);
  const double own = max_difference(trained_tensors(dir.str("own")), one);
  std::cout << "max |sync-bn - one process| " << synced << ", per-rank BatchNorm " << own << "\n";
  EXPECT_LT(synced, 1e-5);  // measured 5.6e-7
  EXPECT_GT(own, 1e-3);

  // config.json records the choice, and a resume keeps it without the flag: the synced run
  // extended to 2 epochs ends where an uninterrupted 2-epoch synced run ends.
  const auto config = [&](const std::string& run) {
    return nlohmann::json::parse(read_text_file(run::RunFiles(dir.str(run)).config()));
  };
  EXPECT_EQ(config("sync")["options"]["sync_bn"], true);
  EXPECT_EQ(config("own")["options"]["sync_bn"], false);
  r = dign::testing::run_dign(
      "launch --nproc 2 -- train --resume " + dir.str("sync") + " --epochs 2 --quiet", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string two_epochs = "train " + kRecipe + " --sync-bn --epochs 2 --out ";
  r = dign::testing::run_dign("launch --nproc 2 -- " + two_epochs + dir.str("sync2"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_LT(max_difference(trained_tensors(dir.str("sync")), trained_tensors(dir.str("sync2"))),
            1e-6);
  // Switching it on part-way is refused, naming the option.
  r = dign::testing::run_dign("train --resume " + dir.str("own") + " --epochs 2 --sync-bn", dir);
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(dign::testing::contains(r.err, "sync_bn")) << r.err;
}

}  // namespace
}  // namespace dign::distributed
