#pragma once
// LibTorch 1.13 starts with ONE intra-op thread and OpenBLAS keeps its own
// thread count: both are set here, from the cores this process may really use.
namespace dign {

/// Cores this process may use: its CPU affinity mask, capped by a cgroup CPU
/// quota (v2 cpu.max or v1 cfs_quota) when one is set. At least 1.
int usable_cores();

/// Sets LibTorch's intra-op threads and OpenBLAS's threads to `threads`
/// (0 = usable_cores()). Returns the count set.
int set_threads(int threads);

}  // namespace dign
