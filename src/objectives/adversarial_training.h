#pragma once
// Adversarial training (Madry et al.; the paper's Eq. 2): cross-entropy on PGD adversarial
// examples alone. As the paper's code: the attack starts from delta = 0, runs with BatchNorm
// in eval mode and the model trains in train mode afterwards; unlike it, adversarial images
// stay in [0,1].
//
//   auto objective = make_objective(AdversarialTrainingOptions());  // l_inf 8/255, PGD-7
#include <cstdint>
#include <memory>

#include "core/arg.h"
#include "objectives/method_traits.h"
#include "objectives/training_attack.h"

namespace dign::objectives {

struct AdversarialTrainingOptions : MethodTraits {
  static constexpr const char* kName = "at";
  static constexpr const char* kSummary =
      "cross-entropy on PGD adversarial examples, l_inf 8/255, 7 steps (Eq. 2); the adversarial "
      "images are kept in [0,1] (the paper's code does not clamp them)";
  DIGN_ARG(TrainingAttack, attack) = TrainingAttack();

 public:
  template <typename Visit>
  void fields(Visit&& visit) {
    attack_.fields(visit);
  }
  void validate() const { attack_.validate(); }
  int64_t attack_passes() const { return attack_.steps(); }
};

std::unique_ptr<Objective> make_objective(const AdversarialTrainingOptions& options);

}  // namespace dign::objectives
