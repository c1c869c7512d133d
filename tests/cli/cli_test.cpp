// The command-line tool as a user meets it: one-line errors with a non-zero
// exit for bad input, and a train -> eval round trip on synthetic data.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/file_io.h"
#include "dign_process.h"
#include "models/registry.h"
#include "test_util.h"

namespace dign {
namespace {
using testing::contains;
using testing::ProcessResult;

ProcessResult run_cli(const std::string& args, const testing::TempDir& dir) {
  return testing::run_dign(args + " --threads 1", dir);
}

int lines(const std::string& text) {
  return testing::count_lines(text);
}

class Cli : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::string train_args(const std::string& extra) {
    return "train --data synthetic --synthetic-train 40 --synthetic-test 20 --width 2 --epochs 1 "
           "--batch-size 16 --quiet --out " +
           dir.str("run") + " " + extra;
  }
  ProcessResult expect_one_line_error(const std::string& args, const std::string& names) {
    const auto r = run_cli(args, dir);
    EXPECT_NE(r.code, 0) << args;
    EXPECT_EQ(r.code, 2) << args;  // every invalid input exits 2
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_TRUE(contains(r.err, names)) << r.err;
    EXPECT_EQ(r.out, "") << r.out;
    return r;
  }
};

TEST_F(Cli, BadOptionsGiveOneLineNamingTheOption) {
  expect_one_line_error(train_args("--method mixup"), "--method");
  expect_one_line_error(train_args("--method dign --sigma-max -0.1"), "--sigma-max");
  expect_one_line_error(train_args("--method dign --samples 0"), "--samples");
  expect_one_line_error(train_args("--arch vgg"), "--arch");
  expect_one_line_error(train_args("--samples many"), "--samples");
  expect_one_line_error(train_args("--augment crop,blur"), "--augment");
  expect_one_line_error("train --data " + dir.str("missing") + " --out " + dir.str("r"), "missing");
  EXPECT_FALSE(std::filesystem::exists(dir.str("run")));
}

TEST_F(Cli, TrainEvalRoundTripAndNoOverwrite) {
  const auto trained = run_cli(train_args("--method dign"), dir);
  ASSERT_EQ(trained.code, 0) << trained.err;
  for (const char* f : {"config.json", "log.jsonl", "best.ckpt", "checkpoints/step-000000003.ckpt",
                        "metrics.json"}) {
    EXPECT_TRUE(std::filesystem::exists(dir.str("run/") + f)) << f;
  }
  const auto before = read_file(dir.str("run/checkpoints/step-000000003.ckpt"));
  expect_one_line_error(train_args("--method dign"), "already holds a run");
  EXPECT_EQ(read_file(dir.str("run/checkpoints/step-000000003.ckpt")), before);  // nothing damaged

  const std::string eval_args =
      "eval --model " + dir.str("run") +
      " --data synthetic --synthetic-train 40 --synthetic-test 20 --report ";
  const auto first = run_cli(eval_args + dir.str("a.json"), dir);
  ASSERT_EQ(first.code, 0) << first.err;
  ASSERT_EQ(run_cli(eval_args + dir.str("b.json"), dir).code, 0);
  auto a = nlohmann::json::parse(read_text_file(dir.str("a.json")));
  auto b = nlohmann::json::parse(read_text_file(dir.str("b.json")));
  EXPECT_EQ(a["schema_version"], 1);
  for (const char* key : {"accuracy", "accuracy_se", "ece", "rmse", "oe", "sharpness", "bins"}) {
    EXPECT_TRUE(a["clean"].contains(key)) << key;
  }
  EXPECT_EQ(a["gaussian_noise"].size(), 4u);
  EXPECT_EQ(a["provenance"]["checkpoint_epoch"], 1);
  EXPECT_TRUE(std::filesystem::exists(dir.str("a.csv")));
  EXPECT_TRUE(std::filesystem::exists(dir.str("a.md")));
  a.erase("timing");
  b.erase("timing");
  EXPECT_EQ(a, b);  // everything outside `timing` is deterministic
}

TEST_F(Cli, SpeedOptionsAreRecordedAndTheModelEvaluates) {
  const auto trained = run_cli(
      train_args("--method dign --samples 2 --concat-views --memory-format channels-last"), dir);
  ASSERT_EQ(trained.code, 0) << trained.err;
  const auto config = nlohmann::json::parse(read_text_file(dir.str("run/config.json")));
  EXPECT_EQ(config["resolved"]["memory_format"], "channels-last");
  EXPECT_EQ(config["options"]["memory_format"], "channels-last");
  EXPECT_EQ(config["options"]["method"]["concat_views"], true);
  const auto evaluated = run_cli("eval --model " + dir.str("run") +
                                     " --data synthetic --synthetic-train 40 --synthetic-test 20 "
                                     "--memory-format contiguous --report " +
                                     dir.str("e.json"),
                                 dir);
  ASSERT_EQ(evaluated.code, 0) << evaluated.err;
  const auto report = nlohmann::json::parse(read_text_file(dir.str("e.json")));
  EXPECT_EQ(report["provenance"]["memory_format"], "contiguous");
  expect_one_line_error(train_args("--memory-format nhwc"), "--memory-format");
}

TEST_F(Cli, ResumeKeepsTheChosenMethodsOwnOptions) {
  // config.json records only GN's sigma_max; resuming must read it back as GN's, not fall
  // back to DiGN's default and then reject the run's own value as a contradiction.
  ASSERT_EQ(run_cli(train_args("--method gn --sigma-max 0.3"), dir).code, 0);
  const auto resumed = run_cli("train --resume " + dir.str("run") + " --epochs 2 --quiet", dir);
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  const auto config = nlohmann::json::parse(read_text_file(dir.str("run/config.json")));
  EXPECT_EQ(config["options"]["method"]["method"], "gn");
  EXPECT_DOUBLE_EQ(config["options"]["method"]["sigma_max"].get<double>(), 0.3);
  EXPECT_EQ(config["options"]["epochs"], 2);
}

TEST_F(Cli, BenchTrainPrintsImagesPerSecondLastAndWritesItsRecord) {
  const auto r = run_cli(
      "bench train --method dign --samples 2 --width 2 --batch-size 8 --iters 2 --warmup-iters 1 "
      "--precision fp32 --json " +
          dir.str("bench.json"),
      dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto last_line = r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1);
  ASSERT_EQ(last_line.rfind("images/s ", 0), 0u) << r.out;
  EXPECT_GT(std::stod(last_line.substr(9)), 0.0);
  const auto record = nlohmann::json::parse(read_text_file(dir.str("bench.json")));
  EXPECT_EQ(record["step_seconds"].size(), 2u);
  EXPECT_EQ(record["method"]["samples"], 2);
  EXPECT_EQ(record["precision"], "fp32");
  // Forward of 3 views, backward twice that: 9 forward passes' FLOPs per image.
  const auto model = models::make_model(models::ResNet18Options().width(2));
  EXPECT_DOUBLE_EQ(record["step_flops_per_image"].get<double>(), 9 * model->forward_flops(32, 32));
  EXPECT_EQ(record["parameters"], models::count_parameters(*model));
  expect_one_line_error("bench train --iters 0", "--iters");
  expect_one_line_error("bench train --method mixup", "--method");
}

TEST_F(Cli, AnotherMethodsOptionNamesTheFlagAndTheMethodItBelongsTo) {
  const auto r = expect_one_line_error(train_args("--method standard --lambda 0.5"), "--lambda");
  EXPECT_TRUE(contains(r.err, "--method dign")) << r.err;  // --lambda is DiGN's
  EXPECT_FALSE(std::filesystem::exists(dir.str("run")));
}

TEST_F(Cli, AdversarialMethodsTrainAndTheirFlagsAreChecked) {
  expect_one_line_error(train_args("--method at --trades-beta 6"), "--trades-beta");
  expect_one_line_error(train_args("--method at --attack-norm l3"), "--attack-norm");
  expect_one_line_error(train_args("--method trades --attack-eps 2"), "--attack-eps");
  expect_one_line_error(train_args("--method trades --attack-steps 0"), "--attack-steps");
  expect_one_line_error(train_args("--method dign --attack-eps 0.1"), "--attack-eps");
  expect_one_line_error(train_args("--method gn --mask-prob 0.2"), "--mask-prob");
  expect_one_line_error(train_args("--method dign --mask-prob 2"), "--mask-prob");
  expect_one_line_error(train_args("--method dign --consistency l1"), "--consistency");
  EXPECT_FALSE(std::filesystem::exists(dir.str("run")));
  const auto r = run_cli(
      train_args("--method trades --attack-norm l2 --attack-eps 0.5 --attack-steps 2"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto config = nlohmann::json::parse(read_text_file(dir.str("run/config.json")));
  const auto& method = config["options"]["method"];
  EXPECT_EQ(method["method"], "trades") << config.dump();
  EXPECT_EQ(method["attack_norm"], "l2");
  EXPECT_EQ(method["attack_steps"], 2);

  // bench train counts each attack step as a forward and a backward to the input: 2 forwards.
  const auto bench = run_cli(
      "bench train --method at --attack-steps 2 --width 2 --batch-size 8 --iters 1 "
      "--warmup-iters 0 --precision fp32 --json " +
          dir.str("bench.json"),
      dir);
  ASSERT_EQ(bench.code, 0) << bench.err;
  const auto record = nlohmann::json::parse(read_text_file(dir.str("bench.json")));
  const auto model = models::make_model(models::ResNet18Options().width(2));
  EXPECT_DOUBLE_EQ(record["step_flops_per_image"].get<double>(),
                   (3 + 2 * 2) * model->forward_flops(32, 32));

  // The trained model under attack: bad attack settings name their flag, then two attacks.
  const std::string eval_args = "eval --model " + dir.str("run") +
                                " --data synthetic --synthetic-train 40 --synthetic-test 20 "
                                "--noise-sigmas 0.1 --report " +
                                dir.str("adv.json");
  expect_one_line_error(eval_args + " --attack fgsm", "--attack");
  expect_one_line_error(eval_args + " --attack pgd --attack-steps 0", "--attack-steps");
  expect_one_line_error(eval_args + " --attack pgd --attack-eps -1", "--attack-eps");
  expect_one_line_error(eval_args + " --attack-eps 0.1", "--attack-eps");  // no --attack
  EXPECT_FALSE(std::filesystem::exists(dir.str("adv.json")));
  const auto attacked =
      run_cli(eval_args + " --attack pgd,pgd7-paper --attack-steps 3 --attack-limit 10", dir);
  ASSERT_EQ(attacked.code, 0) << attacked.err;
  const auto report = nlohmann::json::parse(read_text_file(dir.str("adv.json")));
  ASSERT_EQ(report["adversarial"].size(), 2u);
  EXPECT_EQ(report["adversarial"][0]["steps"], 3);
  EXPECT_EQ(report["adversarial"][0]["images"], 10);
  EXPECT_EQ(report["adversarial"][1]["attack"], "pgd7-paper");
  for (const auto& record : report["adversarial"]) {
    EXPECT_TRUE(record["accuracy"].is_number() && record["accuracy_se"].is_number()) << record;
  }
  EXPECT_NE(read_text_file(dir.str("adv.md")).find("| pgd7-paper linf eps 0.03137, 7 steps"),
            std::string::npos);
}

TEST_F(Cli, AugMixMethodsTrainAndTheirFlagsAreChecked) {
  expect_one_line_error(train_args("--method augmix --augmix-severity 11"), "--augmix-severity");
  expect_one_line_error(train_args("--method augmix --js-weight -1"), "--js-weight");
  expect_one_line_error(train_args("--method augmix --trades-beta 6"), "--trades-beta");
  expect_one_line_error(train_args("--method augmix --lambda 0.5"), "--lambda");
  expect_one_line_error(train_args("--method standard --concat-views"), "--concat-views");
  expect_one_line_error(train_args("--select-by accuracy"), "--select-by");
  EXPECT_FALSE(std::filesystem::exists(dir.str("run")));
  // The hybrid with its shared flags, concatenated views and robust checkpoint selection.
  const auto r = run_cli(train_args("--method dign-augmix --lambda 0.3 --js-weight 6 "
                                    "--augmix-severity 3 --concat-views --select-by robust "
                                    "--select-limit 8"),
                         dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto config = nlohmann::json::parse(read_text_file(dir.str("run/config.json")));
  const auto& method = config["options"]["method"];
  EXPECT_EQ(method["method"], "dign-augmix") << config.dump();
  EXPECT_EQ(method["lambda"], 0.3);
  EXPECT_EQ(method["js_weight"], 6.0);
  EXPECT_EQ(method["augmix_severity"], 3);
  EXPECT_EQ(method["concat_views"], true);
  EXPECT_EQ(config["options"]["select_by"], "robust");
  const auto log = read_text_file(dir.str("run/log.jsonl"));
  const auto line = nlohmann::json::parse(log.substr(0, log.find('\n')));
  ASSERT_TRUE(line.contains("test_robust_accuracy")) << line;
  EXPECT_GE(line["test_robust_accuracy"].get<double>(), 0.0);
  EXPECT_LE(line["test_robust_accuracy"].get<double>(), 1.0);
  EXPECT_TRUE(line.contains("train_js") && line.contains("train_kl")) << line;

  // bench train gives the step the method's views: AugMix's three forward passes.
  const auto bench = run_cli(
      "bench train --method augmix --width 2 --batch-size 8 --iters 1 --warmup-iters 0 "
      "--precision fp32 --json " +
          dir.str("bench.json"),
      dir);
  ASSERT_EQ(bench.code, 0) << bench.err;
  const auto record = nlohmann::json::parse(read_text_file(dir.str("bench.json")));
  const auto model = models::make_model(models::ResNet18Options().width(2));
  EXPECT_DOUBLE_EQ(record["step_flops_per_image"].get<double>(),
                   3 * 3 * model->forward_flops(32, 32));

  // AugMax: its views from the loader (the chains stacked), its search counted as an attack.
  expect_one_line_error(train_args("--method augmax --augmax-steps -1"), "--augmax-steps");
  const auto augmax = run_cli(
      "bench train --method augmax --augmax-steps 2 --width 2 --batch-size 8 --iters 1 "
      "--warmup-iters 0 --precision fp32 --json " +
          dir.str("augmax.json"),
      dir);
  ASSERT_EQ(augmax.code, 0) << augmax.err;
  EXPECT_DOUBLE_EQ(
      nlohmann::json::parse(read_text_file(dir.str("augmax.json")))["step_flops_per_image"]
          .get<double>(),
      (3 * 3 + 2 * 2) * model->forward_flops(32, 32));
  const auto trained = run_cli(
      "train --data synthetic --synthetic-train 40 --synthetic-test 20 --width 2 --epochs 1 "
      "--batch-size 16 --quiet --method augmax --augmax-steps 2 --out " +
          dir.str("augmax"),
      dir);
  ASSERT_EQ(trained.code, 0) << trained.err;
}

TEST_F(Cli, TrainWithoutDataNamesData) {
  expect_one_line_error("train --out " + dir.str("run"), "--data");
  EXPECT_FALSE(std::filesystem::exists(dir.str("run")));
}

TEST_F(Cli, WidthAboveTheLimitNamesTheFlagAndTheLimit) {
  const auto r = expect_one_line_error(
      "train --data synthetic --synthetic-train 40 --synthetic-test 20 --width 5000 --out " +
          dir.str("run"),
      "--width");
  EXPECT_TRUE(contains(r.err, "4096")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.str("run")));
}

TEST_F(Cli, ValuesCli11CannotConvertExitTwoLikeDignsOwnErrors) {
  // CLI11 finds these, not dign; the exit code is the same.
  EXPECT_EQ(run_cli(train_args("--samples many"), dir).code, 2);
  EXPECT_EQ(run_cli(train_args("--lr fast"), dir).code, 2);
  EXPECT_EQ(run_cli("train --no-such-flag --data synthetic --out " + dir.str("run"), dir).code, 2);
}

TEST_F(Cli, HelpExitsZeroAndShowsTheDefaults) {
  // CLI11 prints a default after the option's type: "--lr FLOAT=0.1".
  const auto train = testing::run_dign("train --help", dir);
  EXPECT_EQ(train.code, 0) << train.err;
  EXPECT_EQ(train.err, "");
  for (const char* shown :
       {"--lr FLOAT=0.1 ", "--lambda FLOAT=0.2 ", "--sigma-max FLOAT=0.2 ", "--width INT=64 "}) {
    EXPECT_TRUE(contains(train.out, shown)) << shown << "\n" << train.out;
  }
  // The throughput benchmark steps the method and architecture of `train` (no --lr of its own).
  const auto bench = testing::run_dign("bench train --help", dir);
  EXPECT_EQ(bench.code, 0) << bench.err;
  for (const char* shown : {"--lambda FLOAT=0.2 ", "--sigma-max FLOAT=0.2 ", "--width INT=64 "}) {
    EXPECT_TRUE(contains(bench.out, shown)) << shown << "\n" << bench.out;
  }
  // eval takes the method and architecture from the run: its own options' defaults instead.
  const auto eval = testing::run_dign("eval --help", dir);
  EXPECT_EQ(eval.code, 0) << eval.err;
  for (const char* shown : {"--checkpoint TEXT=best ", "--bins INT=16 ", "--batch-size INT=500 "}) {
    EXPECT_TRUE(contains(eval.out, shown)) << shown << "\n" << eval.out;
  }
  EXPECT_FALSE(contains(eval.out, "--lambda")) << eval.out;
}

}  // namespace
}  // namespace dign
