#include "core/parallel.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace dign {

void parallel_chunks(int64_t n, int threads, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  const int64_t workers = std::max<int64_t>(1, std::min<int64_t>(threads, n));
  if (workers == 1) {
    fn(0, n);
    return;
  }
  std::exception_ptr first_error;
  std::mutex mutex;
  auto run = [&](int64_t w) {
    try {
      fn(n * w / workers, n * (w + 1) / workers);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!first_error) first_error = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  int64_t started = 1;
  try {
    for (; started < workers; ++started) pool.emplace_back(run, started);
  } catch (const std::system_error&) {
  }
  run(0);
  // Chunks whose thread could not start run here, so the result is the same.
  for (int64_t w = started; w < workers; ++w) run(w);
  for (auto& thread : pool) thread.join();
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace dign
