// Evaluation conditions (eval/conditions.h): each writes its report section with the values of
// the one scoring path (evaluate_condition), adds its reliability series, counts its images and
// reports one line per result. MeanBrightness on four 2x2 images, as tests/eval/evaluator_test.
#include "eval/conditions.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>
#include <sstream>

#include "eval/mean_brightness.h"
#include "eval/report.h"
#include "test_util.h"

namespace dign::eval {
namespace {

using testing::four_images;
using testing::MeanBrightness;

/// The lines of `text`, without their newlines.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

struct Fixture {
  data::ImageSet test = four_images();
  MeanBrightness model;
  EvalOptions options;
  std::ostringstream out;
  StreamProgress progress{out};
  EvalContext context{model, torch::kCPU, options, progress};
};

TEST(CleanCondition, WritesTheCleanSectionItsSeriesAndOneLine) {
  Fixture f;
  CleanCondition clean(f.test);
  EXPECT_EQ(clean.name(), "clean");
  EXPECT_EQ(clean.images(), 4);
  nlohmann::json report = {{"kept", true}};
  clean.evaluate(f.context, report);
  const auto expected = evaluate_condition(f.model, f.test, torch::kCPU, f.options, 0.0);
  EXPECT_EQ(report["clean"], condition_json(expected));
  EXPECT_EQ(report["kept"], true);  // other sections left alone
  EXPECT_EQ(report.size(), 2u);
  // Bright: logits (8, 0), confidence c8 = 1/(1+e^-8) = 0.99966, right twice. Dark: logits
  // (-2, 0) -> class 1, confidence c2 = 1/(1+e^-2) = 0.88080, right once. Accuracy 3/4.
  EXPECT_EQ(report["clean"]["accuracy"], 0.75);
  ASSERT_EQ(f.context.diagram.size(), 1u);
  EXPECT_EQ(f.context.diagram[0].name, "clean");
  EXPECT_DOUBLE_EQ(f.context.diagram[0].result.ece, expected.calibration.value().ece);
  // SE sqrt(0.75 * 0.25 / 4) = 0.2165; ECE 0.5 |0.5 - c2| + 0.5 |1 - c8| = 0.1906;
  // RMSE sqrt(0.5 (0.5 - c2)^2 + 0.5 (1 - c8)^2) = 0.2693.
  EXPECT_EQ(lines_of(f.out.str()),
            std::vector<std::string>{"clean: accuracy 0.7500 ± 0.2165  ECE 0.1906  RMSE 0.2693"});
}

TEST(GaussianNoiseCondition, WritesOneRecordPerLevelAndTheNoteButNoSeries) {
  Fixture f;
  GaussianNoiseCondition noisy(f.test, {0.1, 0.3});
  EXPECT_EQ(noisy.name(), "gaussian_noise");
  EXPECT_EQ(noisy.images(), 8);  // 4 test images x 2 levels
  EXPECT_EQ(GaussianNoiseCondition(f.test, {0.05, 0.1, 0.2, 0.3}).images(), 16);
  nlohmann::json report;
  noisy.evaluate(f.context, report);
  const auto low = evaluate_condition(f.model, f.test, torch::kCPU, f.options, 0.1);
  const auto high = evaluate_condition(f.model, f.test, torch::kCPU, f.options, 0.3);
  ASSERT_TRUE(report["gaussian_noise"].is_array());
  EXPECT_EQ(report["gaussian_noise"],
            nlohmann::json::array({condition_json(low), condition_json(high)}));
  EXPECT_EQ(report["gaussian_noise"][1]["sigma"], 0.3);
  EXPECT_TRUE(testing::contains(report["gaussian_noise_note"].get<std::string>(),
                                "N(0, sigma^2) per pixel"));
  EXPECT_TRUE(f.context.diagram.empty());
  const std::vector<std::string> expected = {
      fmt::format("gaussian noise sigma 0.1: accuracy {:.4f}  RMSE {:.4f}", low.accuracy.value(),
                  low.calibration.value().rmse),
      fmt::format("gaussian noise sigma 0.3: accuracy {:.4f}  RMSE {:.4f}", high.accuracy.value(),
                  high.calibration.value().rmse)};
  EXPECT_EQ(lines_of(f.out.str()), expected);
}

TEST(GaussianNoiseCondition, NoLevelsWriteAnEmptyListAndNoLine) {
  Fixture f;
  GaussianNoiseCondition none(f.test, {});
  EXPECT_EQ(none.images(), 0);
  nlohmann::json report;
  none.evaluate(f.context, report);
  EXPECT_EQ(report["gaussian_noise"], nlohmann::json::array());
  EXPECT_EQ(f.out.str(), "");
}

TEST(Conditions, AListScoredInTurnAsEvaluationRunsThem) {
  Fixture f;
  std::vector<std::unique_ptr<Condition>> conditions;
  conditions.push_back(std::make_unique<CleanCondition>(f.test));
  conditions.push_back(std::make_unique<GaussianNoiseCondition>(f.test, std::vector<double>{0.2}));
  int64_t images = 0;
  nlohmann::json report;
  for (auto& c : conditions) {
    images += c->images();
    c->evaluate(f.context, report);
  }
  EXPECT_EQ(images, 8);  // 4 clean + 4 x 1 level
  EXPECT_TRUE(report.contains("clean"));
  EXPECT_EQ(report["gaussian_noise"].size(), 1u);
  const auto lines = lines_of(f.out.str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("clean: ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("gaussian noise sigma 0.2: ", 0), 0u) << lines[1];
  EXPECT_EQ(f.context.diagram.size(), 1u);
}

}  // namespace
}  // namespace dign::eval
