#include "eval/corruption_eval.h"

#include <gtest/gtest.h>

#include <sstream>

#include "eval/corruption_report.h"
#include "eval/fake_corrupted_set.h"
#include "eval/mean_brightness.h"
#include "eval/report.h"
#include "test_util.h"

namespace dign::eval {
namespace {

using testing::MeanBrightness;

using FakeSet = testing::FakeCorruptedSet;

TEST(CorruptionEval, AccuraciesAndMeansByHand) {
  MeanBrightness model;
  FakeSet set;
  EvalOptions o;
  o.batch_size = 3;  // batches straddle the cells' images
  std::ostringstream text;
  StreamProgress log(text);
  const CorruptedResults r = evaluate_corrupted(model, set, torch::kCPU, o, {}, log);
  const double expected[3][2] = {{0.75, 0.25}, {1.0, 0.25}, {0.75, 0.25}};
  for (int c = 0; c < 3; ++c) {
    for (int s = 0; s < 2; ++s) {
      EXPECT_DOUBLE_EQ(r.cells[c][s].accuracy.value(), expected[c][s]) << c << " " << s;
      EXPECT_EQ(r.cells[c][s].accuracy.total(), 4);
    }
  }
  // Pooled: gaussian_noise left out; the noise subset is shot_noise alone.
  EXPECT_EQ(r.pooled_all.accuracy.total(), 16);
  EXPECT_DOUBLE_EQ(r.pooled_all.accuracy.value(), 9.0 / 16);
  EXPECT_EQ(r.pooled_noise.accuracy.total(), 8);
  EXPECT_DOUBLE_EQ(r.pooled_noise.accuracy.value(), 5.0 / 8);

  const nlohmann::json j = corrupted_json(r, set, {});
  EXPECT_DOUBLE_EQ(j["mca"].get<double>(), (0.625 + 0.5) / 2);
  EXPECT_EQ(j["mca_corruptions"], 2);
  EXPECT_DOUBLE_EQ(j["mca_n"].get<double>(), 0.625);
  EXPECT_EQ(j["mca_n_corruptions"], 1);
  EXPECT_DOUBLE_EQ(j["mean_corruption_error_unnormalized"].get<double>(), 1 - 0.5625);
  EXPECT_EQ(j["per_corruption"][0]["in_mca"], false);
  EXPECT_EQ(j["per_corruption"][1]["noise"], true);
  EXPECT_EQ(j["per_corruption"][2]["severities"][1]["severity"], 2);
  EXPECT_EQ(j["all"]["images"], 16);
}

TEST(CorruptionEval, NoNoiseCorruptionGivesNullMcaNWithANote) {
  MeanBrightness model;
  FakeSet set;
  std::ostringstream text;
  StreamProgress log(text);
  CorruptionEvalOptions co;
  co.noise_set = {"snow"};
  const nlohmann::json j =
      corrupted_json(evaluate_corrupted(model, set, torch::kCPU, EvalOptions(), co, log), set, co);
  EXPECT_TRUE(j["mca_n"].is_null());
  EXPECT_TRUE(j["noise"].is_null());
  EXPECT_TRUE(testing::contains(j["mca_n_note"].get<std::string>(), "no corruption"));
  EXPECT_EQ(j["mca_corruptions"], 2);
}

TEST(CorruptionReport, BaselineErrorsByHand) {
  auto report_with = [](double clean, double a1, double a2) {
    return nlohmann::json{{"clean", {{"accuracy", clean}}},
                          {"corrupted",
                           {{"severities", {1, 2}},
                            {"per_corruption",
                             {{{"name", "fog"},
                               {"in_mca", true},
                               {"severities", {{{"accuracy", a1}}, {{"accuracy", a2}}}}}}}}}};
  };
  nlohmann::json model = report_with(0.9, 0.8, 0.6);
  const nlohmann::json baseline = report_with(0.8, 0.6, 0.4);
  add_baseline_errors(model, baseline, "base.json");
  // E = 0.2 + 0.4, Eb = 0.4 + 0.6; relative: (0.1 + 0.3) / (0.2 + 0.4).
  EXPECT_NEAR(model["corrupted"]["mce"].get<double>(), 0.6, 1e-12);
  EXPECT_NEAR(model["corrupted"]["relative_mce"].get<double>(), 0.4 / 0.6, 1e-12);
  nlohmann::json other = baseline;
  other["corrupted"]["severities"] = {1, 2, 3};
  EXPECT_TRUE(testing::contains(
      testing::error_of([&] { add_baseline_errors(model, other, "base.json"); }), "severities"));
}

TEST(CorruptionReport, CsvRowsAndPaperTables) {
  MeanBrightness model;
  FakeSet set;
  std::ostringstream text;
  StreamProgress log(text);
  const auto r = evaluate_corrupted(model, set, torch::kCPU, EvalOptions(), {}, log);
  nlohmann::json report;
  report["clean"] = condition_json(r.cells[1][0]);
  report["binning"] = {{"rule", "test rule"}};
  report["corrupted"] = corrupted_json(r, set, {});
  const auto csv = report_csv(report);
  EXPECT_TRUE(testing::contains(csv, "\nshot_noise,,1,4,1.000000,")) << csv;
  EXPECT_TRUE(testing::contains(csv, "\nfog,,2,4,0.250000,")) << csv;
  const auto md = report_markdown(report);
  EXPECT_TRUE(testing::contains(md, "| mCA (2 corruptions, gaussian_noise excluded) | 56.2 |"))
      << md;
  EXPECT_TRUE(testing::contains(md, "| mCA-N (1 corruptions) | 62.5 |")) << md;
  EXPECT_TRUE(testing::contains(md, "| fog | 75.0 | 25.0 | 50.0 |")) << md;
}

}  // namespace
}  // namespace dign::eval
