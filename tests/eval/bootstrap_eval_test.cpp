// The report's bootstrap: records kept by the scoring path, the resampled figures at unit
// weights equal to the report's, cells keeping their size, determinism across threads, the
// JSON layout (only <name>_ci95 siblings added), and the predictions' .npy round trip.
#include "eval/bootstrap_eval.h"

#include <gtest/gtest.h>

#include <sstream>

#include "eval/corruption_eval.h"
#include "eval/fake_corrupted_set.h"
#include "eval/mean_brightness.h"
#include "eval/report.h"
#include "test_util.h"

namespace dign::eval {
namespace {

using testing::MeanBrightness;

// The hand-checkable set of fake_corrupted_set.h (dark pixels 40).
struct FakeSet : testing::FakeCorruptedSet {
  FakeSet() : FakeCorruptedSet(40) {}
};

struct Evaluated {
  CorruptedResults results{16};
  nlohmann::json json;
  std::vector<const PredictionRecords*> cells;
};

Evaluated evaluate(const EvalOptions& o) {
  MeanBrightness model;
  FakeSet set;
  std::ostringstream text;
  StreamProgress log(text);
  Evaluated e;
  e.results = evaluate_corrupted(model, set, torch::kCPU, o, {}, log);
  e.json = corrupted_json(e.results, set, {});
  for (const auto& row : e.results.cells) {
    for (const auto& cell : row) e.cells.push_back(&cell.records);
  }
  return e;
}

EvalOptions keeping() {
  EvalOptions o;
  o.batch_size = 3;  // batches straddle the cells
  o.bootstrap = 50;
  return o;
}

TEST(BootstrapEval, RecordsAreKeptPerImageInSetOrder) {
  const Evaluated e = evaluate(keeping());
  const PredictionRecords& shot1 = *e.cells[2];  // shot_noise severity 1: B B B D
  ASSERT_EQ(shot1.size(), 4);
  EXPECT_EQ(shot1.label, (std::vector<int32_t>{0, 0, 0, 1}));
  EXPECT_EQ(shot1.predicted, (std::vector<int32_t>{0, 0, 0, 1}));
  EXPECT_EQ(shot1.correct, (std::vector<uint8_t>{1, 1, 1, 1}));
  EXPECT_TRUE(evaluate(EvalOptions()).results.cells[0][0].records.confidence.empty());
}

TEST(BootstrapEval, UnitWeightsGiveTheReportsFigures) {
  const Evaluated e = evaluate(keeping());
  const CorruptedPredictions p = corrupted_predictions(e.json, e.cells, 16);
  const CorruptedStats s = corrupted_stats(p, nullptr);
  EXPECT_DOUBLE_EQ(s.mca, e.json["mca"].get<double>());
  EXPECT_DOUBLE_EQ(s.mca_n, e.json["mca_n"].get<double>());
  EXPECT_DOUBLE_EQ(s.all.accuracy, e.json["all"]["accuracy"].get<double>());
  EXPECT_NEAR(s.all.rmse, e.json["all"]["rmse"].get<double>(), 1e-12);
  EXPECT_NEAR(s.noise.ece, e.json["noise"]["ece"].get<double>(), 1e-12);
  EXPECT_DOUBLE_EQ(s.cells[2][1].accuracy, 0.25);  // fog severity 2: D B D B
}

TEST(BootstrapEval, EveryCellKeepsItsSizeAndResamplesAreDeterministic) {
  const Evaluated e = evaluate(keeping());
  const CorruptedPredictions p = corrupted_predictions(e.json, e.cells, 16);
  std::vector<uint32_t> counts;
  for (int64_t b = 0; b < 20; ++b) {
    metrics::bootstrap_counts(0, b, p.images(), counts);
    for (const auto& row : p.cells) {
      for (const auto& cell : row) {
        metrics::BinSums sums(16);
        cell.accumulate(counts.data(), sums);
        double total = 0;
        for (double c : sums.count) total += c;
        EXPECT_EQ(total, 4.0);  // stratified: each cell keeps its 4 images
      }
    }
  }
  auto mca = [&](int threads) {
    std::vector<double> out;
    for (const auto& s : bootstrap_resamples<CorruptedStats>(
             p.images(), /*seed=*/5, 64, threads,
             [&](const uint32_t* c) { return corrupted_stats(p, c); })) {
      out.push_back(s.mca);
    }
    return out;
  };
  EXPECT_EQ(mca(1), mca(2));  // a function of the seed, not of threads
}

TEST(BootstrapEval, IntervalsAreSiblingsAndNoExistingFieldChanges) {
  const Evaluated e = evaluate(keeping());
  const CorruptedPredictions p = corrupted_predictions(e.json, e.cells, 16);
  nlohmann::json k = e.json;
  add_corrupted_intervals(
      k, bootstrap_resamples<CorruptedStats>(
             p.images(), 0, 200, 1, [&](const uint32_t* c) { return corrupted_stats(p, c); }));
  // Removing every *_ci95 gives back the report as it was.
  std::function<void(nlohmann::json&)> strip = [&](nlohmann::json& j) {
    if (j.is_array()) {
      for (auto& x : j) strip(x);
      return;
    }
    if (!j.is_object()) return;
    for (auto it = j.begin(); it != j.end();) {
      const std::string key = it.key();
      if (key.size() > 5 && key.substr(key.size() - 5) == "_ci95") {
        it = j.erase(it);
      } else {
        strip(*it);
        ++it;
      }
    }
  };
  nlohmann::json stripped = k;
  strip(stripped);
  EXPECT_EQ(stripped, e.json);
  for (const char* key : {"mca", "mca_n", "mean_corruption_error_unnormalized"}) {
    ASSERT_TRUE(k[std::string(key) + "_ci95"].is_array()) << key;
    EXPECT_LE(k[std::string(key) + "_ci95"][0].get<double>(), k[key].get<double>()) << key;
    EXPECT_GE(k[std::string(key) + "_ci95"][1].get<double>(), k[key].get<double>()) << key;
  }
  for (const char* key : {"accuracy", "ece", "rmse", "oe", "sharpness"}) {
    EXPECT_TRUE(k["all"].contains(std::string(key) + "_ci95")) << key;
    EXPECT_TRUE(k["per_corruption"][1]["severities"][0].contains(std::string(key) + "_ci95"));
  }
  EXPECT_EQ(k["per_corruption"][2]["mean_accuracy_ci95"].size(), 2u);
  // shot_noise severity 1 is always right: the interval is the point.
  EXPECT_EQ(k["per_corruption"][1]["severities"][0]["accuracy_ci95"],
            nlohmann::json::array({1.0, 1.0}));
}

TEST(BootstrapEval, PredictionsRoundTripThroughNpy) {
  const Evaluated e = evaluate(keeping());
  testing::TempDir dir;
  write_predictions(dir.str("p"), "corrupted", e.cells, {3, 2});
  const auto back = read_predictions(dir.str("p"), "corrupted", {3, 2});
  ASSERT_EQ(back.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(back[i].confidence, e.cells[i]->confidence) << i;
    EXPECT_EQ(back[i].predicted, e.cells[i]->predicted) << i;
    EXPECT_EQ(back[i].label, e.cells[i]->label) << i;
    EXPECT_EQ(back[i].correct, e.cells[i]->correct) << i;
  }
  EXPECT_TRUE(testing::contains(testing::error_of([&] {
                                  read_predictions(dir.str("p"), "corrupted", {2, 3});
                                }),
                                "corrupted.confidence.npy"));
  EXPECT_TRUE(testing::contains(
      testing::error_of([&] { read_predictions(dir.str("p"), "clean", {}); }), "clean"));
}

}  // namespace
}  // namespace dign::eval
