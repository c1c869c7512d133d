// dign calibrate end to end on tiny synthetic runs: the temperature is fitted on the run's
// --val-split images and stored as DIR/calibration.json; dign eval then adds temperature_scaled
// calibration beside every condition and changes nothing else; bad input is one line, exit 2.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/file_io.h"
#include "dign_process.h"
#include "test_util.h"

namespace dign {
namespace {
using testing::contains;

// Removes every "temperature_scaled" key and the report's calibration_temperature and timing.
void strip_temperature(nlohmann::json& j) {
  if (j.is_array()) {
    for (auto& x : j) strip_temperature(x);
  } else if (j.is_object()) {
    j.erase("temperature_scaled");
    for (auto& item : j.items()) strip_temperature(item.value());
  }
}

class CalibrateCli : public ::testing::Test {
 protected:
  testing::TempDir dir;
  testing::ProcessResult run(const std::string& args) {
    return testing::run_dign(args + " --threads 1", dir);
  }
  // --val-split 20 of 60 training images; "train" without a validation split.
  void train(const std::string& name, const std::string& extra) {
    const auto trained =
        run("train --data synthetic --synthetic-train 60 --synthetic-test 20 --width 2 --epochs 1 "
            "--batch-size 16 --quiet --method standard --out " +
            dir.str(name) + extra);
    ASSERT_EQ(trained.code, 0) << trained.err;
  }
  std::string eval_args(const std::string& report) {
    return "eval --model " + dir.str("val") + " --data synthetic --synthetic-train 60 " +
           "--synthetic-test 20 --noise-sigmas 0.1 --corrupted generate --corruptions "
           "shot_noise,fog --severities 1 --quiet --report " +
           dir.str(report);
  }
  void expect_one_line_error(const testing::ProcessResult& r, const std::string& names) {
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
    EXPECT_TRUE(contains(r.err, names)) << r.err;
  }
};

TEST_F(CalibrateCli, FitsOnTheValidationSplitAndEvalReportsBothCalibrations) {
  train("val", " --val-split 20");
  const auto calibrated = run("calibrate --model " + dir.str("val") + " --data synthetic --quiet");
  ASSERT_EQ(calibrated.code, 0) << calibrated.err;
  const auto record = nlohmann::json::parse(read_text_file(dir.str("val/calibration.json")));
  const double t = record["temperature"].get<double>();
  EXPECT_GT(t, 0);
  EXPECT_EQ(record["split"], "validation");
  EXPECT_EQ(record["seen_in_training"], false);
  EXPECT_EQ(record["images"], 20);
  EXPECT_LE(record["nll_after"].get<double>(), record["nll_before"].get<double>());
  EXPECT_TRUE(contains(record["checkpoint"].get<std::string>(), "best.ckpt"));
  // The images are the ones training held out (config.json's selection hash).
  const auto config = nlohmann::json::parse(read_text_file(dir.str("val/config.json")));
  EXPECT_EQ(record["images_hash"], config["data"]["selection_hash"]);

  const auto plain = run(eval_args("plain.json") + " --no-temperature");
  ASSERT_EQ(plain.code, 0) << plain.err;
  const auto scaled = run(eval_args("scaled.json") + " --bootstrap 20");
  ASSERT_EQ(scaled.code, 0) << scaled.err;
  auto a = nlohmann::json::parse(read_text_file(dir.str("scaled.json")));
  auto p = nlohmann::json::parse(read_text_file(dir.str("plain.json")));
  EXPECT_FALSE(p.contains("calibration_temperature"));
  ASSERT_TRUE(a.contains("calibration_temperature"));
  EXPECT_EQ(a["calibration_temperature"]["value"], t);
  EXPECT_EQ(a["calibration_temperature"]["source"], dir.str("val/calibration.json"));
  EXPECT_EQ(a["clean"]["accuracy"], p["clean"]["accuracy"]);
  EXPECT_NE(a["clean"]["temperature_scaled"]["ece"], p["clean"]["ece"]);
  EXPECT_EQ(a["clean"]["temperature_scaled"]["temperature"], t);
  for (const auto* section :
       {&a["gaussian_noise"][0], &a["corrupted"]["all"], &a["corrupted"]["noise"],
        &a["corrupted"]["per_corruption"][0]["severities"][0]}) {
    ASSERT_TRUE(section->contains("temperature_scaled")) << section->dump();
    for (const char* key : {"ece", "rmse", "oe", "sharpness"}) {
      EXPECT_TRUE((*section)["temperature_scaled"].contains(key)) << key;
    }
  }
  // Nothing else moves: without the additions (and the intervals, timing) the reports agree.
  const std::string csv = read_text_file(dir.str("scaled.csv"));
  EXPECT_TRUE(contains(csv, ",accuracy_ci95_low,accuracy_ci95_high,")) << csv;
  EXPECT_TRUE(contains(csv, ",temperature_scaled_ece,")) << csv;
  EXPECT_TRUE(contains(read_text_file(dir.str("scaled.md")), "### Temperature scaling (T = "));
  const auto again = run(eval_args("again.json"));
  ASSERT_EQ(again.code, 0) << again.err;
  auto b = nlohmann::json::parse(read_text_file(dir.str("again.json")));
  for (auto* j : {&b, &p}) {
    j->erase("timing");
    j->erase("calibration_temperature");
    strip_temperature(*j);
  }
  EXPECT_EQ(b.dump(), p.dump());

  // A record of another checkpoint (the run trained on) is not applied, and says so; a damaged
  // one is a one-line error naming it.
  auto stale = record;
  stale["checkpoint_hash"] = "xxh3:0000000000000000";
  write_file_atomic(dir.str("val/calibration.json"), stale.dump(2));
  const auto other = run(eval_args("other.json"));
  ASSERT_EQ(other.code, 0) << other.err;
  EXPECT_TRUE(contains(other.err, "temperature not applied")) << other.err;
  EXPECT_FALSE(nlohmann::json::parse(read_text_file(dir.str("other.json")))
                   .contains("calibration_temperature"));
  write_file_atomic(dir.str("val/calibration.json"), "{\"temperature\": ");
  expect_one_line_error(run(eval_args("bad.json")),
                        "calibration.json: not a dign calibrate record");
}

TEST_F(CalibrateCli, ARunWithoutValidationSplitNeedsCalibSplitAndIsWarned) {
  train("plain", "");
  const std::string base = "calibrate --model " + dir.str("plain") + " --data synthetic";
  expect_one_line_error(run(base), "--calib-split");
  expect_one_line_error(run(base + " --calib-split 0"), "--calib-split");
  expect_one_line_error(run(base + " --calib-split 60"), "--calib-split");
  const auto fitted = run(base + " --calib-split 10 --quiet");
  ASSERT_EQ(fitted.code, 0) << fitted.err;
  EXPECT_TRUE(contains(fitted.err,
                       "warning: the 10 --calib-split images were part of the "
                       "training split"))
      << fitted.err;
  const auto record = nlohmann::json::parse(read_text_file(dir.str("plain/calibration.json")));
  EXPECT_EQ(record["split"], "train");
  EXPECT_EQ(record["seen_in_training"], true);
  EXPECT_EQ(record["images"], 10);
}

TEST_F(CalibrateCli, BadInputIsOneLine) {
  train("val", " --val-split 20");
  const std::string base = "calibrate --model " + dir.str("val") + " --data synthetic";
  expect_one_line_error(run(base + " --split test"), "--split");
  expect_one_line_error(run(base + " --calib-split 0"), "--calib-split");
  expect_one_line_error(run(base + " --calib-split 21"), "--calib-split");
  // Other data than the run's: its validation images differ from the ones the run recorded.
  std::filesystem::copy(dir.str("val"), dir.str("other"), std::filesystem::copy_options::recursive);
  auto config = nlohmann::json::parse(read_text_file(dir.str("other/config.json")));
  config["data"]["selection_hash"] = "xxh3:0000000000000000";
  write_file_atomic(dir.str("other/config.json"), config.dump(2));
  expect_one_line_error(run("calibrate --model " + dir.str("other") + " --data synthetic"),
                        "--data: synthetic: its validation images differ from the run's");
  std::filesystem::create_directories(dir.str("empty"));
  expect_one_line_error(run("calibrate --model " + dir.str("empty") + " --data synthetic"),
                        "config.json");
  // A run directory whose model is gone.
  std::filesystem::create_directories(dir.str("nomodel"));
  std::filesystem::copy_file(dir.str("val/config.json"), dir.str("nomodel/config.json"));
  expect_one_line_error(run("calibrate --model " + dir.str("nomodel") + " --data synthetic"),
                        "best.ckpt");
  EXPECT_FALSE(std::filesystem::exists(dir.str("val/calibration.json")));
}

}  // namespace
}  // namespace dign
