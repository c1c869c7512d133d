// An attack's settings (eval/attack_options.h): the ranges `dign eval` and experiment grids
// share, each error naming its field (the flag --attack-eps for attack_eps, ...).
#include "eval/attack_options.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_util.h"

namespace dign::eval {
namespace {

using testing::option_error_field;

TEST(AttackOptions, DefaultsAreMadrysPgdAndValid) {
  const AttackOptions a;
  EXPECT_EQ(a.kind, "pgd");
  EXPECT_EQ(a.norm, "linf");
  EXPECT_EQ(a.epsilon, 8.0 / 255.0);
  EXPECT_EQ(a.steps, 20);
  EXPECT_EQ(a.step_size, 0.0);  // 2.5 eps / steps
  EXPECT_TRUE(a.random_start);
  EXPECT_EQ(a.restarts, 1);
  EXPECT_EQ(a.limit, 0);
  EXPECT_EQ(option_error_field(a), "none");
}

TEST(AttackOptions, OutOfRangeSettingsNameTheirField) {
  // Each case: one setting changed from the defaults, and the field its error names.
  const std::vector<std::pair<void (*)(AttackOptions&), std::string>> cases = {
      {[](AttackOptions& a) { a.kind = "pgd7-paper"; }, "none"},
      {[](AttackOptions& a) { a.kind = "fgsm"; }, "attack"},
      {[](AttackOptions& a) { a.norm = "l2"; }, "none"},
      {[](AttackOptions& a) { a.norm = "l1"; }, "attack_norm"},
      {[](AttackOptions& a) { a.epsilon = 0; }, "none"},  // robust = clean accuracy
      {[](AttackOptions& a) { a.epsilon = 1; }, "none"},
      {[](AttackOptions& a) { a.epsilon = -0.1; }, "attack_eps"},
      {[](AttackOptions& a) { a.epsilon = 1.5; }, "attack_eps"},
      {[](AttackOptions& a) { a.steps = 0; }, "attack_steps"},
      {[](AttackOptions& a) { a.steps = 100000; }, "none"},
      {[](AttackOptions& a) { a.steps = 100001; }, "attack_steps"},
      {[](AttackOptions& a) { a.step_size = 1; }, "none"},
      {[](AttackOptions& a) { a.step_size = -0.1; }, "attack_step_size"},
      {[](AttackOptions& a) { a.step_size = 1.5; }, "attack_step_size"},
      {[](AttackOptions& a) { a.restarts = 0; }, "attack_restarts"},
      {[](AttackOptions& a) { a.restarts = 1000; }, "none"},
      {[](AttackOptions& a) { a.restarts = 1001; }, "attack_restarts"},
      {[](AttackOptions& a) { a.limit = -1; }, "attack_limit"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    AttackOptions a;
    cases[i].first(a);
    EXPECT_EQ(option_error_field(a), cases[i].second) << "case " << i;
  }
}

TEST(AttackOptions, MessagesSayWhatWasExpectedAndWhatCame) {
  // dign eval prints these under the flag ("--attack-norm: expected linf or l2, got 'l1'").
  AttackOptions a;
  a.kind = "fgsm";
  EXPECT_EQ(testing::error_of([&] { a.validate(); }),
            "attack: expected pgd or pgd7-paper, got 'fgsm'");
  a = AttackOptions();
  a.norm = "l1";
  EXPECT_EQ(testing::error_of([&] { a.validate(); }), "attack_norm: expected linf or l2, got 'l1'");
  a = AttackOptions();
  a.steps = 0;
  EXPECT_EQ(testing::error_of([&] { a.validate(); }),
            "attack_steps: expected 1 to 100000 steps, got 0");
}

}  // namespace
}  // namespace dign::eval
