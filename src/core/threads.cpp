#include "core/threads.h"

#include <dlfcn.h>
#include <sched.h>

#include <ATen/Parallel.h>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>

namespace dign {
namespace {

// Returns the quota in cores (e.g. 1.5) or 0 when unlimited or unknown.
double cgroup_cpu_quota() {
  {  // cgroup v2: "max 100000" or "150000 100000"
    std::ifstream in("/sys/fs/cgroup/cpu.max");
    std::string quota;
    double period = 0;
    if (in >> quota >> period && quota != "max" && period > 0) {
      return std::stod(quota) / period;
    }
  }
  {  // cgroup v1
    std::ifstream q("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
    std::ifstream p("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
    double quota = 0, period = 0;
    if (q >> quota && p >> period && quota > 0 && period > 0) return quota / period;
  }
  return 0;
}

}  // namespace

int usable_cores() {
  int cores = 1;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) cores = std::max(1, CPU_COUNT(&set));
  const double quota = cgroup_cpu_quota();
  if (quota > 0) cores = std::min(cores, std::max(1, static_cast<int>(std::ceil(quota))));
  return cores;
}

int set_threads(int threads) {
  if (threads <= 0) threads = usable_cores();
  at::set_num_threads(threads);
  // at::set_num_threads does not reach OpenBLAS; call it directly when the
  // BLAS in this process is OpenBLAS (looked up at run time: another BLAS
  // simply lacks the symbol).
  using SetBlasThreads = void (*)(int);
  if (auto fn = reinterpret_cast<SetBlasThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    fn(threads);
  }
  return threads;
}

}  // namespace dign
