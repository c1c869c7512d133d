// Robust accuracy under PGD (eval/attack_condition.h), by hand on MeanBrightness: logits
// (10 m - 2, 0) for an image of mean m, so an attack flips an image once it moves its mean
// across 0.2.
#include "eval/attack_condition.h"

#include <gtest/gtest.h>

#include <sstream>

#include "data/sampler.h"
#include "eval/mean_brightness.h"
#include "eval/report.h"
#include "test_util.h"

namespace dign::eval {
namespace {

using testing::four_images;
using testing::MeanBrightness;

struct Fixture {
  data::ImageSet test = four_images();  // bright, bright (label 0); dark 0, dark 1
  MeanBrightness model;
  EvalOptions options;
  std::ostringstream out;
  StreamProgress progress{out};
  EvalContext context{model, torch::kCPU, options, progress};
};

double robust_accuracy(double epsilon, int64_t batch_size = 500, bool random_start = false) {
  Fixture f;
  f.context.options.batch_size = batch_size;
  AttackOptions a;
  a.epsilon = epsilon;
  a.steps = 10;
  a.random_start = random_start;
  AttackCondition condition(f.test, {a});
  nlohmann::json report;
  condition.evaluate(f.context, report);
  EXPECT_EQ(report["adversarial"].size(), 1u);
  EXPECT_EQ(report["adversarial"][0]["images"], 4);
  return report["adversarial"][0]["accuracy"].get<double>();
}

TEST(AttackCondition, RobustAccuracyByHand) {
  // Clean: bright right twice, dark label 1 right, dark label 0 wrong: 3/4.
  EXPECT_EQ(robust_accuracy(0.0), 0.75);
  // eps 0.1: no mean crosses 0.2 (bright falls to 0.9, dark rises to 0.1).
  EXPECT_EQ(robust_accuracy(0.1), 0.75);
  // eps 0.25: the dark image of label 1 rises to mean 0.25 and flips.
  EXPECT_EQ(robust_accuracy(0.25), 0.5);
  // eps 0.9: the bright images fall to mean 0.1 and flip too.
  EXPECT_EQ(robust_accuracy(0.9), 0.0);
}

TEST(AttackCondition, DoesNotDependOnTheBatchSize) {
  EXPECT_EQ(robust_accuracy(0.25, 1, true), robust_accuracy(0.25, 3, true));
  EXPECT_EQ(robust_accuracy(0.25, 1, true), 0.5);
}

TEST(AttackCondition, RecordsItsSettingsAndThePapersAttack) {
  Fixture f;
  AttackOptions pgd;  // 8/255, 20 steps of 2.5 eps / 20 = 1/255, random start, best iterate
  AttackOptions paper;
  paper.kind = "pgd7-paper";
  AttackCondition condition(f.test, {pgd, paper});
  EXPECT_EQ(condition.images(), 8);
  nlohmann::json report;
  condition.evaluate(f.context, report);
  const auto& r = report["adversarial"];
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0]["attack"], "pgd");
  EXPECT_EQ(r[0]["steps"], 20);
  EXPECT_DOUBLE_EQ(r[0]["step_size"].get<double>(), 1.0 / 255.0);
  EXPECT_EQ(r[0]["random_start"], true);
  EXPECT_EQ(r[0]["iterate"], "highest loss");
  EXPECT_EQ(r[1]["attack"], "pgd7-paper");
  EXPECT_EQ(r[1]["steps"], 7);
  EXPECT_EQ(r[1]["random_start"], false);
  EXPECT_EQ(r[1]["iterate"], "last");
  for (const auto& record : r) {
    EXPECT_EQ(record["accuracy"], 0.75);  // 8/255 moves no mean across 0.2
    EXPECT_TRUE(record.contains("accuracy_se"));
  }
}

TEST(AttackCondition, LimitTakesEvenlySpacedImages) {
  EXPECT_EQ(data::evenly_spaced(10, 0), (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(data::evenly_spaced(10, 5), (std::vector<int64_t>{0, 2, 4, 6, 8}));
  EXPECT_EQ(data::evenly_spaced(10, 3), (std::vector<int64_t>{0, 3, 6}));
  EXPECT_EQ(data::evenly_spaced(4, 9).size(), 4u);
}

TEST(AttackCondition, PgdSettingsResolveTheDefaultsAndThePapersAttack) {
  AttackOptions a;  // 20 steps of 2.5 * (8/255) / 20 = 1/255
  auto s = pgd_settings(a);
  EXPECT_DOUBLE_EQ(s.step_size, 1.0 / 255.0);
  EXPECT_EQ(s.start, attacks::Start::uniform);
  EXPECT_TRUE(s.keep_best);
  a.step_size = 0.01;
  a.norm = "l2";
  a.random_start = false;
  s = pgd_settings(a);
  EXPECT_EQ(s.step_size, 0.01);
  EXPECT_EQ(s.norm, attacks::Norm::l2);
  EXPECT_EQ(s.start, attacks::Start::zero);
  a.kind = "pgd7-paper";  // steps, step size and start are the paper's whatever the options say
  s = pgd_settings(a);
  EXPECT_EQ(s.steps, 7);
  EXPECT_DOUBLE_EQ(s.step_size, 2.5 * (8.0 / 255.0) / 7.0);
  EXPECT_EQ(s.start, attacks::Start::zero);
  EXPECT_FALSE(s.keep_best);
  a.epsilon = 2;  // validated first
  EXPECT_TRUE(testing::contains(testing::error_of([&] { pgd_settings(a); }), "attack_eps"));
}

TEST(AttackCondition, ReportRowsInMarkdownAndCsv) {
  Fixture f;
  AttackCondition condition(f.test, {AttackOptions()});
  nlohmann::json report;
  CleanCondition(f.test).evaluate(f.context, report);
  condition.evaluate(f.context, report);
  report["binning"] = {{"rule", "16 bins"}};
  EXPECT_NE(report_markdown(report).find("| pgd linf eps 0.03137, 20 steps of 0.00392, random "
                                         "start, 1 restart(s), 4 images | 0.7500 |"),
            std::string::npos)
      << report_markdown(report);
  EXPECT_NE(report_csv(report).find("pgd linf eps=0.031373 steps=20 step_size=0.003922 "
                                    "random_start=1 restarts=1,,,4,0.750000,"),
            std::string::npos)
      << report_csv(report);
}

}  // namespace
}  // namespace dign::eval
