#pragma once
// LibTorch allocates every CPU activation with malloc. glibc serves blocks above its
// mmap threshold (128 KiB at first) with fresh mmap calls and unmaps them on free, so
// each training step pays page faults for every activation again; it also trims the
// heap back to the OS. Raising both thresholds keeps freed activations below 32 MiB (glibc's
// ceiling) in the heap for the next step; larger ones are still mapped per use.
namespace dign {

/// Sets glibc's mmap threshold to its maximum (32 MiB on 64-bit) and stops heap trimming,
/// unless the user set MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_ or GLIBC_TUNABLES.
/// Call once at start-up, before large allocations; a no-op elsewhere than glibc.
void keep_freed_memory_for_reuse();

}  // namespace dign
