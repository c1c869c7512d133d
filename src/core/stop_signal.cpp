#include "core/stop_signal.h"

#include <atomic>

namespace dign {
namespace {
std::atomic<int> requested{0};
static_assert(std::atomic<int>::is_always_lock_free,
              "a signal handler may only touch lock-free atomics");
}  // namespace

void request_stop(int signal_number) noexcept {
  requested.store(signal_number);
}
int stop_requested() noexcept {
  return requested.load();
}
void clear_stop_request() noexcept {
  requested.store(0);
}

}  // namespace dign
