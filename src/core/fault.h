#pragma once
// Fault injection for the reliability tests: DIGN_FAULT="point:N[,point:N...]"
// makes the N-th pass through a named point fire. Named points in the code:
//   kill_point("name")   -> the process SIGKILLs itself (a crash at that moment)
//   fault_fires("name")  -> returns true once (the caller injects e.g. a NaN)
// Without DIGN_FAULT (every normal run) each call costs one branch.
namespace dign {

bool fault_fires(const char* point);

namespace detail {
[[noreturn]] void kill_self();
}

inline void kill_point(const char* point) {
  if (fault_fires(point)) detail::kill_self();
}

}  // namespace dign
