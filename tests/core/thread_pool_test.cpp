#include "core/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

namespace dign {
namespace {

TEST(ThreadPool, EveryItemRunsOnceInContiguousChunksCallAfterCall) {
  for (int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    for (int64_t n : {0, 1, 2, 7, 100}) {  // fewer items than threads too
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      std::atomic<int> chunks{0};
      pool.run_chunks(n, [&](int64_t begin, int64_t end) {
        ASSERT_LT(begin, end);
        ++chunks;
        for (int64_t i = begin; i < end; ++i) ++hits[static_cast<size_t>(i)];
      });
      for (const auto& h : hits) EXPECT_EQ(h.load(), 1) << threads << " threads, n " << n;
      EXPECT_LE(chunks.load(), threads);
    }
  }
}

TEST(ThreadPool, AnExceptionInAnyChunkReachesTheCallerAndThePoolGoesOn) {
  ThreadPool pool(3);
  // Items 0-3 are the caller's chunk, 4-7 and 8-11 the workers': each throwing chunk is tried.
  for (int64_t bad : {1, 5, 10}) {
    EXPECT_THROW(pool.run_chunks(12,
                                 [&](int64_t begin, int64_t end) {
                                   if (begin <= bad && bad < end) throw std::runtime_error("x");
                                 }),
                 std::runtime_error)
        << bad;
  }
  std::atomic<int64_t> sum{0};
  pool.run_chunks(12, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) sum += i;
  });
  EXPECT_EQ(sum.load(), 66);  // 0 + 1 + ... + 11
}

}  // namespace
}  // namespace dign
