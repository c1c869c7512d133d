#pragma once
// Splits [0, n) into `threads` contiguous chunks and runs fn(begin, end) on each,
// the calling thread taking the first. Callers give every item its own random
// stream, so the split cannot change a byte of the result. The first exception
// thrown by any chunk is rethrown after all have finished.
#include <cstdint>
#include <functional>

namespace dign {

void parallel_chunks(int64_t n, int threads, const std::function<void(int64_t, int64_t)>& fn);

}  // namespace dign
