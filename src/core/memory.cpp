#include "core/memory.h"

#include <sys/resource.h>

namespace dign {

int64_t peak_resident_bytes() {
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

double peak_resident_mib() {
  return static_cast<double>(peak_resident_bytes()) / 1048576.0;
}

}  // namespace dign
