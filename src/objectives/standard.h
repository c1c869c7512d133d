#pragma once
// Standard training: empirical risk minimisation with cross-entropy (Eq. 1).
#include <memory>

#include "objectives/method_traits.h"

namespace dign::objectives {

struct StandardOptions : MethodTraits {
  static constexpr const char* kName = "standard";
  static constexpr const char* kSummary = "cross-entropy (Eq. 1)";
  template <typename Visit>
  void fields(Visit&&) {}
  void validate() const {}
};

std::unique_ptr<Objective> make_objective(const StandardOptions& options);

}  // namespace dign::objectives
