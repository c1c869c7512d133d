#include "core/fault.h"

#include <csignal>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>
#include <string>

namespace dign {
namespace {

struct Faults {
  std::mutex mutex;
  std::map<std::string, long> fire_at;  // point -> pass number that fires
  std::map<std::string, long> passes;
};

Faults* parse_faults() {
  const char* spec = std::getenv("DIGN_FAULT");
  if (spec == nullptr || *spec == '\0') return nullptr;
  auto* faults = new Faults;  // lives for the process
  std::stringstream list(spec);
  std::string item;
  while (std::getline(list, item, ',')) {
    const auto colon = item.rfind(':');
    if (colon == std::string::npos) continue;
    faults->fire_at[item.substr(0, colon)] = std::strtol(item.c_str() + colon + 1, nullptr, 10);
  }
  return faults;
}

}  // namespace

bool fault_fires(const char* point) {
  static Faults* const faults = parse_faults();
  if (faults == nullptr) return false;
  std::lock_guard<std::mutex> lock(faults->mutex);
  const auto it = faults->fire_at.find(point);
  if (it == faults->fire_at.end()) return false;
  return ++faults->passes[point] == it->second;
}

void detail::kill_self() {
  std::raise(SIGKILL);
  std::abort();  // unreachable
}

}  // namespace dign
