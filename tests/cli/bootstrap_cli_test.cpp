// dign eval --bootstrap / --save-predictions and dign compare on a tiny synthetic run: the
// report gains only <name>_ci95 siblings (and its bootstrap and predictions records), a model
// compared with itself differs by exactly zero, and bad input is one line with exit code 2.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "core/file_io.h"
#include "dign_process.h"
#include "test_util.h"

namespace dign {
namespace {
using testing::contains;

// Removes every "<name>_ci95" key, recursively.
void strip_intervals(nlohmann::json& j) {
  if (j.is_array()) {
    for (auto& x : j) strip_intervals(x);
    return;
  }
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end();) {
    const std::string key = it.key();
    if (key.size() > 5 && key.compare(key.size() - 5, 5, "_ci95") == 0) {
      it = j.erase(it);
    } else {
      strip_intervals(*it);
      ++it;
    }
  }
}

class BootstrapCli : public ::testing::Test {
 protected:
  testing::TempDir dir;
  testing::ProcessResult run(const std::string& args) {
    return testing::run_dign(args + " --threads 1", dir);
  }
  std::string eval_args(const std::string& report, int test_images = 20) {
    return "eval --model " + dir.str("run") + " --data synthetic --synthetic-train 40 " +
           "--synthetic-test " + std::to_string(test_images) +
           " --noise-sigmas 0.1 --corrupted generate --corruptions shot_noise,fog --severities 1,2 "
           "--quiet --report " +
           dir.str(report);
  }
  void SetUp() override {
    const auto trained =
        run("train --data synthetic --synthetic-train 40 --synthetic-test 20 --width 2 "
            "--epochs 1 --batch-size 16 --quiet --method dign --out " +
            dir.str("run"));
    ASSERT_EQ(trained.code, 0) << trained.err;
  }
  void expect_one_line_error(const testing::ProcessResult& r, const std::string& names) {
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
    EXPECT_TRUE(contains(r.err, names)) << r.err;
  }
};

TEST_F(BootstrapCli, IntervalsAreAddedBesideEveryFigureAndNothingElseChanges) {
  const std::string attack = " --attack pgd --attack-steps 1 --attack-limit 8";
  const auto plain = run(eval_args("plain.json") + attack);
  ASSERT_EQ(plain.code, 0) << plain.err;
  const auto boot =
      run(eval_args("a.json") + attack + " --bootstrap 40 --save-predictions " + dir.str("pa"));
  ASSERT_EQ(boot.code, 0) << boot.err;
  auto a = nlohmann::json::parse(read_text_file(dir.str("a.json")));
  auto p = nlohmann::json::parse(read_text_file(dir.str("plain.json")));
  EXPECT_EQ(a["bootstrap"]["resamples"], 40);
  EXPECT_TRUE(a["clean"]["accuracy"].is_number());  // stays a number where it is
  ASSERT_TRUE(a["clean"]["accuracy_ci95"].is_array());
  EXPECT_EQ(a["clean"]["accuracy_ci95"].size(), 2u);
  for (const char* key : {"accuracy_ci95", "ece_ci95", "rmse_ci95", "oe_ci95"}) {
    EXPECT_TRUE(a["gaussian_noise"][0].contains(key)) << key;
    EXPECT_TRUE(a["corrupted"]["all"].contains(key)) << key;
    EXPECT_TRUE(a["corrupted"]["noise"].contains(key)) << key;
  }
  EXPECT_TRUE(a["corrupted"]["mca_ci95"].is_array());
  EXPECT_TRUE(a["corrupted"]["mca_n_ci95"].is_array());
  EXPECT_TRUE(a["timing"].contains("bootstrap_seconds"));
  EXPECT_TRUE(a["adversarial"][0]["accuracy_ci95"].is_array());
  for (const char* f :
       {"clean.confidence.npy", "gaussian_noise.predicted.npy", "corrupted.label.npy"}) {
    EXPECT_TRUE(std::filesystem::exists(dir.str("pa/") + f)) << f;
  }
  const auto md = read_text_file(dir.str("a.md"));
  EXPECT_TRUE(contains(
      md, "| clean | " + fmt::format("{:.4f}", a["clean"]["accuracy"].get<double>()) + " ["))
      << md;
  for (auto* r : {&a, &p}) {
    r->erase("timing");
    r->erase("bootstrap");
    r->erase("predictions");
  }
  strip_intervals(a);
  EXPECT_EQ(a, p);  // every existing field where it was, with its value and type
}

TEST_F(BootstrapCli, CompareIsZeroForAModelAgainstItselfAndRefusesOtherImages) {
  ASSERT_EQ(run(eval_args("a.json") + " --save-predictions " + dir.str("pa")).code, 0);
  ASSERT_EQ(run(eval_args("b.json") + " --batch-size 7 --save-predictions " + dir.str("pb")).code,
            0);
  const auto same = run("compare " + dir.str("a.json") + " " + dir.str("b.json") +
                        " --bootstrap 50 --out " + dir.str("cmp.json"));
  ASSERT_EQ(same.code, 0) << same.err;
  EXPECT_TRUE(contains(same.out, "paired percentile bootstrap")) << same.out;
  EXPECT_TRUE(contains(same.out, "| mCA-N |")) << same.out;
  const auto c = nlohmann::json::parse(read_text_file(dir.str("cmp.json")));
  for (const auto& row : c["rows"]) {
    EXPECT_EQ(row["difference"], 0.0) << row;
    EXPECT_EQ(row["difference_ci95"], nlohmann::json::array({0.0, 0.0})) << row;
  }
  EXPECT_TRUE(std::filesystem::exists(dir.str("cmp.md")));

  ASSERT_EQ(run(eval_args("other.json", 30) + " --save-predictions " + dir.str("po")).code, 0);
  const auto refused = run("compare " + dir.str("a.json") + " " + dir.str("other.json"));
  expect_one_line_error(refused, dir.str("other.json"));
  EXPECT_EQ(refused.out, "");
  // A report without predictions names itself too.
  ASSERT_EQ(run(eval_args("plain.json")).code, 0);
  expect_one_line_error(run("compare " + dir.str("plain.json") + " " + dir.str("a.json")),
                        dir.str("plain.json"));
}

TEST_F(BootstrapCli, BootstrapZeroOrNegativeNamesTheFlag) {
  expect_one_line_error(run(eval_args("z.json") + " --bootstrap 0"), "--bootstrap");
  expect_one_line_error(run(eval_args("z.json") + " --bootstrap -5"), "--bootstrap");
  EXPECT_FALSE(std::filesystem::exists(dir.str("z.json")));
  expect_one_line_error(run("compare a.json b.json --bootstrap 0"), "--bootstrap");
}

}  // namespace
}  // namespace dign
