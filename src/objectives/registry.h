#pragma once
// Training objectives by name. Their options and the record that selects one
// (MethodConfig, method_catalog, JSON) are in method_options.h, without LibTorch.
#include <memory>

#include "objectives/dign.h"
#include "objectives/gaussian_noise.h"
#include "objectives/method_options.h"
#include "objectives/objective.h"
#include "objectives/rse.h"

namespace dign::objectives {

std::unique_ptr<Objective> make_objective(const MethodConfig& config);

}  // namespace dign::objectives
