// dign compare: a model against itself differs by exactly zero; a known difference comes out
// exactly; reports on other images are refused naming the file.
#include "eval/compare.h"

#include <gtest/gtest.h>

#include "core/file_io.h"
#include "eval/predictions.h"
#include "test_util.h"

namespace dign::eval {
namespace {

// A report of n clean images with the given predictions (labels all 0), and its predictions.
std::string write_report(const testing::TempDir& dir, const std::string& name,
                         const std::vector<int32_t>& predicted, const std::string& hash) {
  PredictionRecords r;
  r.resize(static_cast<int64_t>(predicted.size()));
  for (size_t i = 0; i < predicted.size(); ++i) {
    r.confidence[i] = 0.5f + 0.05f * static_cast<float>(i % 10);
    r.predicted[i] = predicted[i];
    r.label[i] = 0;
  }
  write_predictions(dir.str(name + "-pred"), "clean", {&r}, {});
  const nlohmann::json report = {
      {"clean", {{"accuracy", 0.0}}},
      {"binning", {{"bins", 16}}},
      {"provenance", {{"test_hash", hash}, {"test_images", predicted.size()}, {"seed", 0}}},
      {"predictions", {{"dir", dir.str(name + "-pred")}}}};
  write_file_atomic(dir.str(name + ".json"), report.dump());
  return dir.str(name + ".json");
}

TEST(Compare, IdenticalModelsDifferByExactlyZero) {
  testing::TempDir dir;
  std::vector<int32_t> predicted(300);
  for (size_t i = 0; i < predicted.size(); ++i) predicted[i] = i % 3 == 0 ? 1 : 0;
  CompareOptions o;
  o.a = write_report(dir, "a", predicted, "xxh3:1");
  o.b = write_report(dir, "b", predicted, "xxh3:1");
  o.resamples = 200;
  const nlohmann::json c = compare_reports(o);
  ASSERT_EQ(c["rows"].size(), 3u);  // clean accuracy, ECE, RMSE
  for (const auto& row : c["rows"]) {
    EXPECT_EQ(row["difference"], 0.0) << row;
    EXPECT_EQ(row["difference_ci95"], nlohmann::json::array({0.0, 0.0})) << row;
    EXPECT_EQ(row["a_better_fraction"], 0.0) << row;
  }
  EXPECT_TRUE(testing::contains(compare_markdown(c), "paired percentile bootstrap"));
}

TEST(Compare, AKnownDifferenceComesOutExactly) {
  testing::TempDir dir;
  CompareOptions o;
  o.a = write_report(dir, "a", std::vector<int32_t>(100, 0), "xxh3:1");  // all right
  o.b = write_report(dir, "b", std::vector<int32_t>(100, 1), "xxh3:1");  // all wrong
  o.resamples = 50;
  o.threads = 2;
  const nlohmann::json c = compare_reports(o);
  const auto& accuracy = c["rows"][0];
  EXPECT_EQ(accuracy["metric"], "clean accuracy");
  EXPECT_EQ(accuracy["difference"], 1.0);
  EXPECT_EQ(accuracy["difference_ci95"], nlohmann::json::array({1.0, 1.0}));
  EXPECT_EQ(accuracy["a_better_fraction"], 1.0);
}

TEST(Compare, ReportsOnOtherImagesAreRefusedNamingTheFile) {
  testing::TempDir dir;
  CompareOptions o;
  o.a = write_report(dir, "a", std::vector<int32_t>(10, 0), "xxh3:1");
  o.b = write_report(dir, "other", std::vector<int32_t>(10, 0), "xxh3:2");
  const std::string error = testing::error_of([&] { compare_reports(o); });
  EXPECT_TRUE(testing::contains(error, o.b)) << error;
  EXPECT_TRUE(testing::contains(error, "test_hash")) << error;
  o.b = dir.str("missing.json");
  EXPECT_TRUE(testing::contains(testing::error_of([&] { compare_reports(o); }), "missing.json"));
}

}  // namespace
}  // namespace dign::eval
