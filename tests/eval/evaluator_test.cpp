#include "eval/evaluator.h"

#include <gtest/gtest.h>

#include "eval/mean_brightness.h"
#include "eval/report.h"
#include "test_util.h"

namespace dign::eval {
namespace {

using testing::four_images;
using testing::MeanBrightness;

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

TEST(Evaluator, AnEnsembleOfNearlyIdenticalCopiesScoresAsOneCopy) {
  // With ensemble noise near 0 every copy is the image itself: the ensemble changes nothing
  // (EnsembleAveragesProbabilitiesNotLogitsOverNoisyCopies tests what it averages).
  MeanBrightness model;
  EvalOptions single, ensemble;
  ensemble.ensemble = 4;
  ensemble.ensemble_sigma = 1e-9;
  const auto r1 = evaluate_condition(model, four_images(), torch::kCPU, single, 0.0);
  const auto r4 = evaluate_condition(model, four_images(), torch::kCPU, ensemble, 0.0);
  EXPECT_NEAR(r1.calibration.value().ece, r4.calibration.value().ece, 1e-6);
  EXPECT_EQ(r1.accuracy.value(), r4.accuracy.value());
}

// Records every input it scores; logits (8m - 4, 2m^2, 0) of the mean pixel m, far from
// linear, so that averaging probabilities, averaging logits and one copy all differ.
class RecordingModel : public models::ClassifierImpl {
 public:
  torch::Tensor forward(torch::Tensor images) override {
    inputs.push_back(images.clone());
    const auto m = images.mean({1, 2, 3});
    return torch::stack({8 * m - 4, 2 * m * m, torch::zeros_like(m)}, 1);
  }
  std::vector<torch::Tensor> inputs;
};

TEST(Evaluator, EnsembleAveragesProbabilitiesNotLogitsOverNoisyCopies) {
  // RSE's predictor (Eq. 4): the mean of the softmax probabilities of `ensemble` copies, each
  // with its own N(0, sigma^2) noise. With one image, the only non-empty calibration bin's
  // mean confidence is that image's confidence.
  data::ImageSet one;
  one.height = one.width = 4;
  one.class_names = {"a", "b", "c"};
  one.pixels.assign(48, 128);
  one.labels = {0};
  RecordingModel model;
  EvalOptions o;
  o.ensemble = 4;
  o.ensemble_sigma = 0.5;
  const auto r = evaluate_condition(model, one, torch::kCPU, o, 0.0);
  ASSERT_EQ(model.inputs.size(), 4u);
  std::vector<torch::Tensor> logits;
  for (const auto& x : model.inputs) {
    const auto m = x.mean({1, 2, 3});
    logits.push_back(torch::stack({8 * m - 4, 2 * m * m, torch::zeros_like(m)}, 1));
  }
  EXPECT_FALSE(torch::equal(model.inputs[0], model.inputs[1]));  // independent noise per copy
  torch::Tensor mean_probs = torch::zeros({1, 3}), mean_logits = torch::zeros({1, 3});
  for (const auto& l : logits) {
    mean_probs += torch::softmax(l, 1) / 4.0;
    mean_logits += l / 4.0;
  }
  const double probabilities = mean_probs.max().item<double>();
  const double from_logits = torch::softmax(mean_logits, 1).max().item<double>();
  const double single = torch::softmax(logits[0], 1).max().item<double>();
  double confidence = -1;
  for (const auto& bin : r.calibration.value().bins) {
    if (bin.count == 1) confidence = bin.confidence;
  }
  EXPECT_NEAR(confidence, probabilities, 1e-6);
  // The test can tell the three predictors apart.
  EXPECT_GT(std::abs(probabilities - from_logits), 1e-3);
  EXPECT_GT(std::abs(probabilities - single), 1e-3);
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
