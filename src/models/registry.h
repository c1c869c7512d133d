#pragma once
// Models by name. An explicit catalog (no static self-registration, which is
// fragile in static libraries); the names live in catalog.h (LibTorch-free),
// the builders here, one line each.
#include <string>

#include "models/catalog.h"
#include "models/classifier.h"

namespace dign::models {

/// Builds the named architecture; dign::Error listing the known names otherwise.
Classifier make_model(const std::string& name, const ModelOptions& options);

}  // namespace dign::models
