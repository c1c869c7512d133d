// Aggregation over seeds on hand-made reports: mean and population standard deviation, a
// missing seed reported in its cell (never averaged over fewer silently), the paper's values.
#include "experiment/tables.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "test_util.h"

namespace dign::experiment {
namespace {

using nlohmann::json;
using testing::contains;
using testing::error_of;

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
  // Table 7's columns are the paper's: accuracy, mCA-N, the four noises, clean RMSE, RMSE-N.
  const auto t7 = std::find_if(tables.begin(), tables.end(),
                               [](const Table& t) { return t.title.rfind("Table 7", 0) == 0; });
  ASSERT_NE(t7, tables.end());
  EXPECT_EQ(t7->columns,
            (std::vector<std::string>{"Clean acc.", "mCA-N", "Gaussian noise", "Impulse noise",
                                      "Shot noise", "Speckle noise", "Clean RMSE", "RMSE-N"}));
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

TEST(Tables, TheSummaryHasOneRowPerSettingWithTheHeadlineMetrics) {
  std::vector<std::optional<json>> reports = {report(0.80), report(0.82), report(0.84),
                                              report(0.90), report(0.86), std::nullopt,
                                              report(0.88)};
  const auto tables = build_tables(settings_of(grid(), reports), "cifar10");
  const Table& s = tables.back();
  EXPECT_EQ(s.title, "Summary: one row per setting, %");
  EXPECT_EQ(s.row_labels, (std::vector<std::string>{"standard", "dign", "dign consistency=js"}));
  EXPECT_EQ(s.columns, (std::vector<std::string>{"Clean acc.", "mCA-N", "mCA", "Clean RMSE",
                                                 "RMSE-N", "pgd linf eps 0.03137, 20 steps"}));
  // The same cells as Tables 3/4's, transposed: dign's mCA 0.78 over seeds 0 and 1, seed 2
  // reported missing; the paper's values beside them, none for the attack.
  EXPECT_NEAR(s.cells[1][2].mean(), 0.78, 1e-12);
  EXPECT_EQ(s.cells[1][2].missing, std::vector<uint64_t>{2});
  EXPECT_EQ(s.paper[1][2], 86.3);  // Table 4: DiGN mCA
  EXPECT_EQ(s.paper[0][4], 30.4);  // Table 2: standard RMSE-N
  EXPECT_EQ(s.paper[0][5], std::nullopt);
  EXPECT_NEAR(s.cells[0][5].mean(), 0.01, 1e-12);
  const std::string md = tables_markdown(tables);
  EXPECT_TRUE(contains(md, "| standard | 82.0±1.6 [94.3] | 62.0±1.6 [60.3] | 72.0±1.6 [77.7] |"))
      << md;
  EXPECT_TRUE(contains(
      tables_csv(tables),
      "\"Summary: one row per setting, %\",\"dign\",\"Clean acc.\",0.88,0.02,2,2,0.936,fraction"));
}

/// A grid of `runs` on synthetic data, with each run's report at clean accuracy `acc`.
std::vector<Setting> settings(const std::string& runs, double acc = 0.9) {
  const Grid g = parse_grid(json::parse(R"({"train": {"data": {"path": "synthetic"}, "epochs": 1},
                                             "runs": )" +
                                        runs + "}"),
                            "t.json", "/tmp/none");
  return settings_of(g, std::vector<std::optional<json>>(g.runs.size(), report(acc)));
}

TEST(Tables, AugMaxWithDubinIsNotThePapersAugMax) {
  // The paper's AugMax is plain BatchNorm (baselines.md section 6): its values sit beside that
  // setting only.
  const auto s = settings(R"([{"method": "augmax",
                               "model": [{"arch": "resnet18"},
                                         {"arch": "resnet18", "norm": "dubin"}]}])");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].norm, "bn");
  EXPECT_EQ(s[1].norm, "dubin");
  const auto tables = build_tables(s, "cifar10");
  EXPECT_EQ(tables[0].paper[0][0], 94.1);  // Table 1: AugMax clean
  EXPECT_EQ(tables[0].paper[0][1], std::nullopt);
}

TEST(Tables, ADenseNetRunGetsTable3sValues) {
  const auto s = settings(R"([{"model": "densenet121", "method": ["standard", "augmix"]}])");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].arch, "densenet121");
  const auto tables = build_tables(s, "cifar10");
  const Table& t34 = tables[2];
  ASSERT_EQ(t34.row_labels[4], "RMSE-N");
  EXPECT_EQ(t34.paper[0][0], 93.9);  // Table 3, CIFAR-10, DenseNet-121: Standard clean
  EXPECT_EQ(t34.paper[4][1], 6.6);   // AugMix RMSE-N (ResNet-18's Table 2: 6.5)
  EXPECT_EQ(t34.paper[2][1], 87.9);  // AugMix mCA (ResNet-18's Table 4: 89.3)
  // Table 3 has no ECE or single noise corruption.
  EXPECT_EQ(tables[1].paper[1][0], std::nullopt);
  EXPECT_EQ(tables[0].paper[2][0], std::nullopt);
  EXPECT_TRUE(contains(tables_markdown(tables), "| Clean acc. | 90.0 [93.9] | 90.0 [94.6] |"));
}

TEST(Tables, AnArchitectureAxisIsOneSettingPerArchitecture) {
  // The same label on two architectures (cifar10-paper.json's Table 3 entry): two columns, each
  // with its own reports and its own architecture's published value.
  const Grid g = parse_grid(json::parse(R"({"train": {"data": {"path": "synthetic"}, "epochs": 1},
    "runs": [{"model": [{"arch": "resnet18"}, {"arch": "wrn18"}], "method": "standard",
              "seed": [0, 1]}, {"method": "dign"}]})"),
                            "t.json", "/tmp/none");
  ASSERT_EQ(g.runs.size(), 5u);
  const auto s =
      settings_of(g, {report(0.80), report(0.82), report(0.70), report(0.72), report(0.90)});
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].label, "standard arch=resnet18");
  EXPECT_EQ(s[1].label, "standard arch=wrn18");
  EXPECT_EQ(s[2].label, "dign");  // one architecture: the label as before
  const auto tables = build_tables(s, "cifar10");
  EXPECT_NEAR(tables[0].cells[0][0].mean(), 0.81, 1e-12);
  EXPECT_NEAR(tables[0].cells[0][1].mean(), 0.71, 1e-12);
  EXPECT_EQ(tables[0].paper[0][0], 94.3);  // Table 1
  EXPECT_EQ(tables[0].paper[0][1], 94.5);  // Table 3, Wide-ResNet-18
  EXPECT_EQ(tables[0].paper[0][2], 93.6);
}

TEST(Tables, EachDatasetsValuesBesideTheRunsWithItsOptions) {
  // CIFAR-100's DiGN is lambda 0.3 (section 4; the cifar100 preset): its published values sit
  // beside that setting, not beside DiGN at the CIFAR-10 defaults.
  const auto c100 = settings(R"([{"method": ["standard", "dign"]},
                                 {"method": {"method": "dign", "lambda": 0.3}}])");
  auto tables = build_tables(c100, "cifar100");
  EXPECT_EQ(tables[0].paper[0][0], 75.8);          // Table 1: Standard clean
  EXPECT_EQ(tables[0].paper[1][1], std::nullopt);  // dign lambda=0.2
  EXPECT_EQ(tables[0].paper[1][2], 68.4);          // dign lambda=0.3: mCA-N
  EXPECT_EQ(tables[1].paper[5][2], 7.8);           // Table 2: ECE-N
  EXPECT_EQ(tables[2].paper[2][2], 62.1);          // Table 4: mCA
  const auto tin = settings(R"([{"method": {"method": "dign", "sigma_max": 0.6}}])");
  tables = build_tables(tin, "tiny-imagenet");
  EXPECT_EQ(tables[0].paper[0][0], 56.0);          // Table 1
  EXPECT_EQ(tables[0].paper[5][0], std::nullopt);  // no speckle noise
  EXPECT_EQ(tables[1].paper[2][0], std::nullopt);  // no Table 2: no OE
  EXPECT_EQ(tables[1].paper[4][0], 15.5);          // but Table 5: RMSE-N
  EXPECT_EQ(tables[2].paper[3][0], 9.7);           // Table 4: clean RMSE
  EXPECT_TRUE(contains(error_of([&] { build_tables(tin, "imagenet"); }),
                       "paper: no published values for 'imagenet'"));
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
