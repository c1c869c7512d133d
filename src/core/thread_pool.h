#pragma once
// A fixed set of worker threads that run chunks of a loop together with the calling thread:
// the batch loader's workers, started once per loader rather than once per batch. As with
// parallel_chunks, callers give every item its own random stream, so how the items are split
// cannot change a byte of the result. LibTorch-free.
//
//   ThreadPool pool(3);  // the caller and 2 workers
//   pool.run_chunks(n, [&](int64_t begin, int64_t end) { ... });
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace dign {

class ThreadPool {
 public:
  /// `threads` >= 1 counts the calling thread: threads - 1 workers are started.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }
  /// Splits [0, n) into threads() contiguous chunks, runs fn(begin, end) on each (the caller
  /// takes the first) and returns when all are done; rethrows the first exception. One call
  /// at a time.
  void run_chunks(int64_t n, const std::function<void(int64_t, int64_t)>& fn);

 private:
  void work(int64_t worker);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable start_, done_;
  const std::function<void(int64_t, int64_t)>* fn_ = nullptr;
  int64_t n_ = 0;
  uint64_t generation_ = 0;  ///< counts run_chunks calls, so a worker runs each call once
  int64_t pending_ = 0;      ///< workers still busy with the current call
  std::exception_ptr error_;
  bool stopping_ = false;
};

}  // namespace dign
