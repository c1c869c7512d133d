// Aggregation over seeds on hand-made reports: mean and population standard deviation, a
// missing seed reported in its cell (never averaged over fewer silently), the paper's values.
#include "experiment/tables.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace dign::experiment {
namespace {

using nlohmann::json;
using testing::contains;

/// A report with clean accuracy `acc` and corrupted figures derived from it.
json report(double acc) {
  return {{"clean",
           {{"accuracy", acc}, {"rmse", 0.05}, {"ece", 0.03}, {"oe", 0.02}, {"sharpness", 60.0}}},
          {"corrupted",
           {{"mca", acc - 0.1},
            {"mca_n", acc - 0.2},
            {"noise", {{"rmse", 0.1}, {"ece", 0.08}, {"oe", 0.05}, {"sharpness", 50.0}}},
            {"all", {{"rmse", 0.07}}},
            {"per_corruption", {{{"name", "shot_noise"}, {"mean_accuracy", 0.5}}}}}},
          {"adversarial",
           {{{"attack", "pgd"},
             {"norm", "linf"},
             {"epsilon", 8.0 / 255},
             {"steps", 20},
             {"accuracy", 0.01}}}}};
}

Grid grid() {
  return parse_grid(json::parse(R"({
    "train": {"data": {"path": "synthetic"}, "epochs": 1},
    "runs": [{"method": ["standard", "dign"], "seed": [0, 1, 2]},
             {"method": {"method": "dign", "consistency": "js"}, "seed": 0}]})"),
                    "t.json", "/tmp/none");
}

TEST(Tables, MeanAndPopulationStdOverSeedsAndAMissingSeedReported) {
  const Grid g = grid();
  ASSERT_EQ(g.runs.size(), 7u);
  // standard: 0.80, 0.82, 0.84 -> mean 0.82, population std sqrt((0.02^2 + 0 + 0.02^2) / 3)
  // = 0.016330 (the sample std would be 0.02). dign: seeds 0 and 1 done (0.90, 0.86), seed 2 not.
  std::vector<std::optional<json>> reports = {report(0.80), report(0.82), report(0.84),
                                              report(0.90), report(0.86), std::nullopt,
                                              report(0.88)};
  const auto settings = settings_of(g, reports);
  ASSERT_EQ(settings.size(), 3u);
  EXPECT_EQ(settings[2].label, "dign consistency=js");
  const auto tables = build_tables(settings, "cifar10");
  ASSERT_GE(tables.size(), 4u);
  const Table& t1 = tables[0];
  EXPECT_EQ(t1.row_labels[0], "Clean acc.");
  const Cell& standard = t1.cells[0][0];
  EXPECT_NEAR(standard.mean(), 0.82, 1e-12);
  EXPECT_NEAR(standard.population_std(), 0.0163299316, 1e-9);
  EXPECT_TRUE(standard.missing.empty());
  const Cell& dign = t1.cells[0][1];
  EXPECT_NEAR(dign.mean(), 0.88, 1e-12);
  EXPECT_NEAR(dign.population_std(), 0.02, 1e-12);
  EXPECT_EQ(dign.missing, std::vector<uint64_t>{2});

  const std::string md = tables_markdown(tables);
  EXPECT_TRUE(contains(md, "population standard deviation")) << md;
  EXPECT_TRUE(contains(md, "| 82.0±1.6 [94.3] |")) << md;  // standard, paper 94.3
  EXPECT_TRUE(contains(md, "88.0±2.0 (2 of 3 seeds; missing s2) [93.6]")) << md;
  EXPECT_TRUE(contains(md, "Table 7 layout")) << md;
  EXPECT_TRUE(contains(md, "Robust accuracy under attack")) << md;
  // SH is a plain number, not a percentage.
  EXPECT_TRUE(contains(md, "| Clean SH | 60.0±0.0 [108.3] |")) << md;

  const json j = tables_json(tables);
  const json& cell = j["tables"][0]["rows"][0]["cells"]["dign"];
  EXPECT_EQ(cell["missing_seeds"], json::array({2}));
  EXPECT_NEAR(cell["mean"].get<double>(), 0.88, 1e-12);
  EXPECT_NEAR(cell["paper"].get<double>(), 0.936, 1e-12);
  EXPECT_EQ(cell["values"].size(), 2u);
  const std::string csv = tables_csv(tables);
  EXPECT_TRUE(contains(csv, "\"Clean acc.\",\"dign\",0.88,0.02,2,2,0.936,fraction")) << csv;
}

TEST(Tables, NothingFinishedIsNotANumber) {
  const Grid g = grid();
  const auto tables =
      build_tables(settings_of(g, std::vector<std::optional<json>>(7, std::nullopt)), "");
  const std::string md = tables_markdown(tables);
  EXPECT_TRUE(contains(md, "| n/a |")) << md;
  EXPECT_FALSE(contains(md, "nan")) << md;
}

}  // namespace
}  // namespace dign::experiment
