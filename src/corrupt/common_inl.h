#pragma once
#include "core/error.h"

namespace dign::corrupt {

template <typename T>
const T& at_severity(const std::array<T, 5>& table, int severity) {
  DIGN_CHECK(severity >= 1 && severity <= 5, "severity: expected 1 to 5, got ", severity);
  return table[static_cast<size_t>(severity - 1)];
}

}  // namespace dign::corrupt
