#pragma once
#include "objectives/objective.h"

namespace dign::objectives {

/// Standard training: empirical risk minimisation with cross-entropy (Eq. 1).
class Standard : public Objective {
 public:
  std::string name() const override { return "standard"; }
  ObjectiveOutput compute(models::ClassifierImpl& model, const Batch& batch,
                          torch::Generator& generator) override;
};

}  // namespace dign::objectives
