// What the HTML report accepts as an eval.json, and the names it gives models.
#include "report/eval_reports.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_util.h"

namespace dign::report {
namespace {

nlohmann::json minimal_report(const std::string& run_dir) {
  nlohmann::json bins = nlohmann::json::array();
  bins.push_back(
      {{"low", 0.0}, {"high", 0.5}, {"count", 1}, {"accuracy", 0.0}, {"confidence", 0.4}});
  bins.push_back(
      {{"low", 0.5}, {"high", 1.0}, {"count", 3}, {"accuracy", 1.0}, {"confidence", 0.9}});
  return {
      {"schema_version", 1},
      {"model", {{"run_dir", run_dir}, {"arch", "resnet18"}, {"method", {{"method", "dign"}}}}},
      {"clean", {{"images", 4}, {"accuracy", 0.75}, {"ece", 0.1}, {"rmse", 0.2}, {"bins", bins}}}};
}

std::string error_of(const nlohmann::json& j) {
  try {
    check_eval_report(j, "x.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(EvalReports, AcceptsAReportAndNamesWhatIsMissingOtherwise) {
  EXPECT_EQ(error_of(minimal_report("runs/a")), "");
  auto j = minimal_report("runs/a");
  j.erase("clean");
  EXPECT_EQ(error_of(j),
            "x.json: not a dign eval report (expected the eval.json of 'dign eval', with a clean "
            "record)");
  j = minimal_report("runs/a");
  j["schema_version"] = 2;
  EXPECT_TRUE(testing::contains(error_of(j), "schema_version 1"));
  j = minimal_report("runs/a");
  j["clean"]["bins"][1]["accuracy"] = 1.5;
  EXPECT_TRUE(testing::contains(error_of(j), "clean.bins[].accuracy as a fraction in [0, 1]"));
  j = minimal_report("runs/a");
  j["corrupted"] = {{"per_corruption", {{{"name", "fog"}, {"severities", {{{"severity", 1}}}}}}}};
  EXPECT_TRUE(testing::contains(error_of(j), "severities[] with a severity and an accuracy"));
  EXPECT_TRUE(testing::contains(error_of(nlohmann::json::array()), "a JSON object"));
}

TEST(EvalReports, NamesAreTheRunDirectoriesMadeUnique) {
  std::vector<EvalReport> r = {{"a/eval.json", "", minimal_report("runs/c10-dign-s0/")},
                               {"b/eval.json", "", minimal_report("other/c10-dign-s0")},
                               {"c/eval.json", "", minimal_report("c10-standard-s0")}};
  assign_names(r);
  EXPECT_EQ(r[0].name, "c10-dign-s0");
  EXPECT_EQ(r[1].name, "c10-dign-s0 (2)");
  EXPECT_EQ(r[2].name, "c10-standard-s0");
  EXPECT_EQ(model_description(r[0].json), "resnet18, dign");
}

TEST(EvalReports, CalibrationOfARecordAndOfAMissingOne) {
  const auto j = minimal_report("a");
  const auto c = calibration_of(j["clean"], 2);
  EXPECT_EQ(c.count, 4);
  EXPECT_EQ(c.num_bins, 2);
  EXPECT_DOUBLE_EQ(c.bins[1].confidence, 0.9);
  const auto none = calibration_of(nlohmann::json(), 4);
  EXPECT_EQ(none.count, 0);
  ASSERT_EQ(none.bins.size(), 4u);
  EXPECT_DOUBLE_EQ(none.bins[3].high, 1.0);
}

}  // namespace
}  // namespace dign::report
