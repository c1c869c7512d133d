#include "core/thread_pool.h"

#include <algorithm>

namespace dign {

ThreadPool::ThreadPool(int threads) {
  for (int64_t w = 1; w < std::max(threads, 1); ++w) {
    workers_.emplace_back([this, w] { work(w); });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  start_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::work(int64_t worker) {
  uint64_t seen = 0;
  for (;;) {
    std::unique_lock<std::mutex> lock(mutex_);
    start_.wait(lock, [&] { return stopping_ || generation_ != seen; });
    if (stopping_) return;
    seen = generation_;
    const auto* fn = fn_;
    const int64_t n = n_, chunks = threads();
    lock.unlock();
    std::exception_ptr error;
    try {
      const int64_t begin = n * worker / chunks, end = n * (worker + 1) / chunks;
      if (begin < end) (*fn)(begin, end);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    if (error && !error_) error_ = error;
    if (--pending_ == 0) done_.notify_all();
  }
}

void ThreadPool::run_chunks(int64_t n, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  const int64_t chunks = threads();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    fn_ = &fn;
    n_ = n;
    error_ = nullptr;
    pending_ = chunks - 1;
    ++generation_;
  }
  start_.notify_all();
  std::exception_ptr mine;
  try {
    if (n / chunks > 0) fn(0, n / chunks);
  } catch (...) {
    mine = std::current_exception();
  }
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return pending_ == 0; });
  fn_ = nullptr;
  if (mine) std::rethrow_exception(mine);
  if (error_) std::rethrow_exception(error_);
}

}  // namespace dign
