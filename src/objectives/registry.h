#pragma once
// The objective of a configured method (method.h). Each method's header declares
// make_objective for its own options; this one dispatches on the record.
//
//   MethodConfig method;                                       // dign, the paper's settings
//   method.options = DignOptions().lambda(0.3);
//   std::unique_ptr<Objective> objective = make_objective(method);
//   ObjectiveOutput out = objective->compute(*model, batch, generator);   // objective.h
#include <memory>

#include "objectives/method.h"
#include "objectives/objective.h"

namespace dign::objectives {

/// Validates `config`, then builds its method's objective.
std::unique_ptr<Objective> make_objective(const MethodConfig& config);

}  // namespace dign::objectives
