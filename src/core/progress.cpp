#include "core/progress.h"

#include <iostream>

namespace dign {

void QuietProgress::warning(const std::string& line) {
  std::cerr << "warning: " << line << "\n";
}

}  // namespace dign
