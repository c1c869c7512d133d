// eval.csv's optional columns: the bootstrap intervals as <name>_ci95_low / _ci95_high and the
// temperature-scaled calibration, appended after the fixed ten columns only when the report
// has them (a report without either keeps its CSV byte for byte).
#include <gtest/gtest.h>

#include "eval/report.h"
#include "test_util.h"

namespace dign::eval {
namespace {

nlohmann::json clean_record() {
  return {{"images", 4}, {"accuracy", 0.75}, {"accuracy_se", 0.2165}, {"ece", 0.1},
          {"rmse", 0.2}, {"oe", 0.05},       {"sharpness", 3.5},      {"bins", nullptr}};
}

std::string line(const std::string& csv, int k) {
  size_t start = 0;
  for (int i = 0; i < k; ++i) start = csv.find('\n', start) + 1;
  return csv.substr(start, csv.find('\n', start) - start);
}

TEST(ReportCsv, WithoutIntervalsOrTemperatureTheColumnsAreTheFixedTen) {
  nlohmann::json report = {{"clean", clean_record()}};
  const std::string csv = report_csv(report);
  EXPECT_EQ(line(csv, 0),
            "condition,sigma,severity,images,accuracy,accuracy_se,ece,rmse,oe,sharpness");
  EXPECT_EQ(line(csv, 1), "clean,0,,4,0.750000,0.216500,0.100000,0.200000,0.050000,3.500000");
}

TEST(ReportCsv, IntervalsBecomeLowAndHighColumns) {
  nlohmann::json report = {{"bootstrap", {{"resamples", 10}}}};
  nlohmann::json clean = clean_record();
  clean["accuracy_ci95"] = {0.5, 1.0};
  clean["ece_ci95"] = {0.01, 0.2};
  clean["rmse_ci95"] = {0.02, 0.3};
  clean["oe_ci95"] = {0.0, 0.1};
  clean["sharpness_ci95"] = nullptr;  // undefined in every resample
  report["clean"] = clean;
  // An attack row has only the accuracy interval; a corrupted cell has all of them.
  report["adversarial"] = {{{"attack", "pgd"},
                            {"norm", "linf"},
                            {"epsilon", 0.03},
                            {"images", 4},
                            {"accuracy", 0.25},
                            {"accuracy_se", 0.2},
                            {"accuracy_ci95", {0.0, 0.75}}}};
  nlohmann::json cell = clean_record();
  cell.erase("bins");
  cell["severity"] = 2;
  for (const char* key : {"accuracy", "ece", "rmse", "oe", "sharpness"}) {
    cell[std::string(key) + "_ci95"] = {0.125, 0.875};
  }
  report["corrupted"] = {{"per_corruption", {{{"name", "fog"}, {"severities", {cell}}}}}};
  const std::string csv = report_csv(report);
  EXPECT_EQ(line(csv, 0),
            "condition,sigma,severity,images,accuracy,accuracy_se,ece,rmse,oe,sharpness,"
            "accuracy_ci95_low,accuracy_ci95_high,ece_ci95_low,ece_ci95_high,rmse_ci95_low,"
            "rmse_ci95_high,oe_ci95_low,oe_ci95_high,sharpness_ci95_low,sharpness_ci95_high");
  EXPECT_EQ(line(csv, 1),
            "clean,0,,4,0.750000,0.216500,0.100000,0.200000,0.050000,3.500000,"
            "0.500000,1.000000,0.010000,0.200000,0.020000,0.300000,0.000000,0.100000,,");
  EXPECT_EQ(line(csv, 2),
            "pgd linf eps=0.030000,,,4,0.250000,0.200000,,,,,0.000000,0.750000,,,,,,,,");
  EXPECT_EQ(line(csv, 3),
            "fog,,2,4,0.750000,0.216500,0.100000,0.200000,0.050000,3.500000,"
            "0.125000,0.875000,0.125000,0.875000,0.125000,0.875000,0.125000,0.875000,0.125000,"
            "0.875000");
}

TEST(ReportCsv, TheTemperatureScaledFiguresFollow) {
  nlohmann::json report = {{"calibration_temperature", {{"value", 1.5}, {"source", "c.json"}}},
                           {"binning", {{"rule", "16 bins"}}}};
  nlohmann::json clean = clean_record();
  clean["temperature_scaled"] = {
      {"temperature", 1.5}, {"ece", 0.03}, {"rmse", 0.04}, {"oe", 0.0}, {"sharpness", nullptr}};
  report["clean"] = clean;
  const std::string csv = report_csv(report);
  EXPECT_EQ(line(csv, 0),
            "condition,sigma,severity,images,accuracy,accuracy_se,ece,rmse,oe,sharpness,"
            "temperature_scaled_ece,temperature_scaled_rmse,temperature_scaled_oe,"
            "temperature_scaled_sharpness");
  EXPECT_EQ(line(csv, 1),
            "clean,0,,4,0.750000,0.216500,0.100000,0.200000,0.050000,3.500000,"
            "0.030000,0.040000,0.000000,null");
  const std::string md = report_markdown(report);
  EXPECT_TRUE(testing::contains(md, "### Temperature scaling (T = 1.5000 from c.json"));
  EXPECT_TRUE(testing::contains(md, "| clean | 0.1000 | 0.0300 | 0.2000 | 0.0400 |")) << md;
}

}  // namespace
}  // namespace dign::eval
