#include "models/registry.h"

#include "core/error.h"

namespace dign::models {

Classifier make_model(const ArchOptions& arch, const ModelData& data) {
  return make_model(ModelRecord{arch, data});
}

Classifier make_model(const ModelRecord& record) {
  record.validate();
  return std::visit([&](const auto& options) { return make_classifier(options, record.data); },
                    record.arch);
}

int64_t count_parameters(const ClassifierImpl& model) {
  int64_t count = 0;
  for (const auto& p : model.parameters()) count += p.numel();
  return count;
}

}  // namespace dign::models
