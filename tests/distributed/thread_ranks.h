#pragma once
// K simulated ranks in one process, for the collectives of sync BatchNorm and sharded
// evaluation: rank r runs on its own thread; all_gather(r, t) blocks until every rank has
// contributed, then gives each rank every contribution (indexed by rank); all_reduce sums them
// in rank order (deterministic). thread_shards(ranks, r) is rank r's distributed::EvalShards
// over them.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "distributed/sharded_eval.h"

namespace dign::testing {

class ThreadRanks {
 public:
  explicit ThreadRanks(int size) : size_(size), inputs_(static_cast<size_t>(size)) {}
  int size() const { return size_; }

  std::vector<torch::Tensor> all_gather(int rank, const torch::Tensor& t) {
    std::unique_lock<std::mutex> lock(mutex_);
    const int64_t round = round_;
    inputs_[static_cast<size_t>(rank)] = t.clone();
    if (++arrived_ == size_) {
      result_ = inputs_;
      arrived_ = 0;
      ++round_;
      changed_.notify_all();
    } else {
      // The next round cannot complete before this rank joins it: result_ stays until read.
      changed_.wait(lock, [&] { return round_ != round; });
    }
    std::vector<torch::Tensor> copy;
    for (const auto& x : result_) copy.push_back(x.clone());
    return copy;
  }

  void all_reduce(int rank, torch::Tensor& t) {
    const auto all = all_gather(rank, t);
    torch::Tensor sum = all[0].clone();
    for (size_t r = 1; r < all.size(); ++r) sum += all[r];
    t.copy_(sum);
  }

  /// Runs body(rank) on size() threads; a rank's exception fails the test with its message.
  void run(const std::function<void(int)>& body) {
    std::vector<std::thread> threads;
    std::vector<std::string> errors(static_cast<size_t>(size_));
    for (int r = 0; r < size_; ++r) {
      threads.emplace_back([&body, &errors, r] {
        try {
          body(r);
        } catch (const std::exception& e) {
          errors[static_cast<size_t>(r)] = e.what();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& e : errors) ASSERT_EQ(e, "");
  }

 private:
  const int size_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<torch::Tensor> inputs_, result_;
  int arrived_ = 0;
  int64_t round_ = 0;
};

/// Rank `rank` of `ranks`' sharded-evaluation collectives (distributed/sharded_eval.h).
inline std::shared_ptr<const distributed::EvalShards> thread_shards(ThreadRanks& ranks, int rank) {
  auto shards = std::make_shared<distributed::EvalShards>();
  shards->rank = rank;
  shards->size = ranks.size();
  auto* group = &ranks;
  shards->all_gather = [group, rank](const torch::Tensor& t) { return group->all_gather(rank, t); };
  shards->all_reduce_sum = [group, rank](torch::Tensor& t) { group->all_reduce(rank, t); };
  return shards;
}

}  // namespace dign::testing
