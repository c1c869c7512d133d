#pragma once
// Models by their record. Each architecture's options header declares make_classifier for
// its own options (see catalog.h); these dispatch on the record.
#include "models/catalog.h"
#include "models/classifier.h"
#include "models/model_record.h"

namespace dign::models {

/// Builds the architecture `arch` for `data`'s classes and normalization; dign::OptionError
/// for an option out of range.
Classifier make_model(const ArchOptions& arch, const ModelData& data = {});
Classifier make_model(const ModelRecord& record);

/// Trainable parameters (BatchNorm's running statistics excluded).
int64_t count_parameters(const ClassifierImpl& model);

}  // namespace dign::models
