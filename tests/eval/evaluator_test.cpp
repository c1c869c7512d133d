#include "eval/evaluator.h"

#include <gtest/gtest.h>

#include "eval/mean_brightness.h"
#include "eval/report.h"
#include "test_util.h"

namespace dign::eval {
namespace {

using testing::MeanBrightness;

// Four 2x2 images: two bright (value 255, label 0) and two dark (value 0, labels 0 and 1).
data::ImageSet four_images() {
  data::ImageSet s;
  s.height = s.width = 2;
  s.class_names = {"bright", "dark"};
  for (uint8_t v : {255, 255, 0, 0}) s.pixels.insert(s.pixels.end(), 12, v);
  s.labels = {0, 0, 0, 1};
  return s;
}

TEST(Evaluator, CleanAccuracyAndCalibrationByHand) {
  MeanBrightness model;
  EvalOptions o;
  const auto r = evaluate_condition(model, four_images(), torch::kCPU, o, 0.0);
  // Bright: logits (8, 0) -> class 0, confidence 1/(1+e^-8) = 0.99966, correct twice.
  // Dark: logits (-2, 0) -> class 1, confidence 1/(1+e^-2) = 0.88080; correct once (label 1).
  EXPECT_DOUBLE_EQ(r.accuracy.value(), 0.75);
  const auto cal = r.calibration.value();
  const double c_bright = 1 / (1 + std::exp(-8.0)), c_dark = 1 / (1 + std::exp(-2.0));
  // Bins: dark pair in (0.875, 0.9375] with accuracy 1/2; bright pair in (0.9375, 1] with
  // accuracy 1.
  const double ece = 0.5 * std::abs(0.5 - c_dark) + 0.5 * std::abs(1 - c_bright);
  EXPECT_NEAR(cal.ece, ece, 1e-6);
}

TEST(Evaluator, NoisyResultsDoNotDependOnBatchSize) {
  MeanBrightness model;
  EvalOptions a, b;
  a.batch_size = 1;
  b.batch_size = 3;
  const auto ra = evaluate_condition(model, four_images(), torch::kCPU, a, 0.3);
  const auto rb = evaluate_condition(model, four_images(), torch::kCPU, b, 0.3);
  EXPECT_EQ(condition_json(ra).dump(), condition_json(rb).dump());
  EXPECT_EQ(condition_json(ra)["sigma"], 0.3);
}

TEST(Evaluator, EnsembleAveragesProbabilities) {
  // With ensemble noise 0, averaging identical copies changes nothing.
  MeanBrightness model;
  EvalOptions single, ensemble;
  ensemble.ensemble = 4;
  ensemble.ensemble_sigma = 1e-9;
  const auto r1 = evaluate_condition(model, four_images(), torch::kCPU, single, 0.0);
  const auto r4 = evaluate_condition(model, four_images(), torch::kCPU, ensemble, 0.0);
  EXPECT_NEAR(r1.calibration.value().ece, r4.calibration.value().ece, 1e-6);
  EXPECT_EQ(r1.accuracy.value(), r4.accuracy.value());
}

TEST(Report, CsvAndMarkdownCarryEveryCondition) {
  MeanBrightness model;
  EvalOptions o;
  nlohmann::json report;
  report["clean"] = condition_json(evaluate_condition(model, four_images(), torch::kCPU, o, 0.0));
  report["gaussian_noise"] = {
      condition_json(evaluate_condition(model, four_images(), torch::kCPU, o, 0.1))};
  report["binning"] = {{"rule", "test rule"}};
  const auto csv = report_csv(report);
  EXPECT_TRUE(testing::contains(csv, "condition,sigma,severity,images,accuracy"));
  EXPECT_TRUE(testing::contains(csv, "\nclean,0,,4,0.750000,"));
  EXPECT_TRUE(testing::contains(csv, "\ngaussian_noise,0.100000,,4,"));
  const auto md = report_markdown(report);
  EXPECT_TRUE(testing::contains(md, "| clean | 0.7500 |"));
  EXPECT_TRUE(testing::contains(md, "test rule"));
  testing::TempDir dir;
  write_report(dir.str("r.json"), report);
  EXPECT_TRUE(std::filesystem::exists(dir.str("r.csv")));
  EXPECT_TRUE(std::filesystem::exists(dir.str("r.md")));
}

}  // namespace
}  // namespace dign::eval
