#include "objectives/training_attack.h"

#include "attacks/pgd.h"

namespace dign::objectives {

attacks::PgdSettings to_pgd_settings(const TrainingAttack& attack, attacks::Start start) {
  attack.validate();
  attacks::PgdSettings s;
  s.epsilon = attack.eps();
  s.steps = attack.steps();
  s.step_size = attack.resolved_step_size();
  s.norm = attacks::norm_named(attack.norm(), "attack_norm");
  s.start = start;
  s.keep_best = false;  // training uses the last iterate, as the paper's code
  return s;
}

}  // namespace dign::objectives
