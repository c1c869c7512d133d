#pragma once
// Peak memory of this process, for the `timing` records of runs and benchmarks.
#include <cstdint>

namespace dign {

/// The largest resident set size this process has had so far, in bytes
/// (getrusage's ru_maxrss); 0 where the platform does not report it.
int64_t peak_resident_bytes();
/// The same in MiB (2^20 bytes).
double peak_resident_mib();

}  // namespace dign
