// The architectures from the command line: `--arch NAME` and each field's flag come from the
// catalog; a narrow network of each trains an epoch on tiny synthetic data; a bad option or an
// image size an architecture cannot take is one line naming the flag, with nothing written.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/file_io.h"
#include "data/image_test_util.h"
#include "dign_process.h"
#include "models/dual_norm.h"
#include "run/load_run.h"
#include "test_util.h"

namespace dign {
namespace {
using testing::contains;
using testing::ProcessResult;

class ArchCli : public ::testing::Test {
 protected:
  testing::TempDir dir;
  // Batches of 16 unless `extra` sets --batch-size.
  std::string train_args(const std::string& extra, const std::string& data = "synthetic") {
    const bool batch = extra.find("--batch-size") != std::string::npos;
    return "train --data " + data + " --synthetic-train 40 --synthetic-test 20 --epochs 1 " +
           (batch ? "" : "--batch-size 16 ") + "--quiet --threads 1 --out " + dir.str("run") + " " +
           extra;
  }
  nlohmann::json model_record() const {
    return nlohmann::json::parse(read_text_file(dir.str("run/config.json"))).at("model");
  }
  void expect_one_line_error(const std::string& args, const std::vector<std::string>& names) {
    const ProcessResult r = testing::run_dign(args, dir);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
    for (const auto& name : names) EXPECT_TRUE(contains(r.err, name)) << name << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.str("run"))) << args;
  }
};

TEST_F(ArchCli, EachNewArchitectureTrainsAnEpochAtANarrowWidth) {
  struct Case {
    const char* arch;
    const char* flags;
    const char* field;
    nlohmann::json value;
    int64_t stem_kernel;
  };
  // --stem is shared by resnet18 and wrn18, --width by resnet18 and resnet50. The wide
  // network's stem is forced to 7x7 at 32 px; resnet50's is always 7x7.
  const Case cases[] = {
      {"wrn18", "--width-multiplier 0.03125 --stem tiny", "width_multiplier", 0.03125, 7},
      {"densenet121", "--growth-rate 2", "growth_rate", 2, 3},
      {"resnet50", "--width 2", "width", 2, 7},
  };
  for (const auto& c : cases) {
    std::filesystem::remove_all(dir.str("run"));
    const auto r =
        testing::run_dign(train_args(std::string("--arch ") + c.arch + " " + c.flags), dir);
    ASSERT_EQ(r.code, 0) << c.arch << ": " << r.err;
    const auto record = model_record();
    EXPECT_EQ(record.at("arch"), c.arch);
    EXPECT_EQ(record.at("model_options").at(c.field), c.value) << c.arch;
    EXPECT_EQ(record.at("model_options").at("image_size"), 32) << c.arch;
    const auto run = run::load_run(dir.str("run"), "best");
    EXPECT_EQ(models::arch_name(run.record.arch), c.arch);
    EXPECT_EQ(run.model->named_parameters()["stem.weight"].size(3), c.stem_kernel) << c.arch;
  }
}

TEST_F(ArchCli, ResNet18TakesTheTinyImageNetStemAt64Pixels) {
  const auto r = testing::run_dign(train_args("--width 2 --image-size 64"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto options = model_record().at("model_options");
  EXPECT_EQ(options.at("stem"), "auto");
  EXPECT_EQ(options.at("image_size"), 64);
  const auto run = run::load_run(dir.str("run"), "best");
  EXPECT_EQ(run.model->named_parameters()["stem.weight"].sizes().vec(),
            (std::vector<int64_t>{2, 3, 7, 7}));
}

TEST_F(ArchCli, BadArchitectureOptionsNameTheirFlag) {
  expect_one_line_error(train_args("--arch densenet121 --growth-rate 0"),
                        {"--growth-rate", "expected 1 to 256"});
  expect_one_line_error(train_args("--arch wrn18 --width-multiplier 100"),
                        {"--width-multiplier", "to 64"});
  expect_one_line_error(train_args("--stem round"), {"--stem", "auto, cifar or tiny"});
  expect_one_line_error(train_args("--arch resnet50 --width 5000"), {"--width", "4096"});
  // A flag of another architecture names the ones it belongs to.
  expect_one_line_error(train_args("--arch resnet50 --growth-rate 2"),
                        {"--growth-rate", "densenet121"});
  expect_one_line_error(train_args("--arch wrn18 --width 2"), {"--width", "resnet18, resnet50"});
  expect_one_line_error(train_args("--arch resnet50 --stem tiny"), {"--stem", "resnet18, wrn18"});
}

TEST_F(ArchCli, DubinIsAnAugMaxOptionOfTheResNet18FamilyAndItsRunEvaluates) {
  // Refused before anything is written: another method (dign is the default), an architecture
  // without the option, an unknown value.
  expect_one_line_error(
      train_args("--width 2 --norm dubin"),
      {"--norm", "dubin is for --method augmax only", "got --method dign", "auxiliary BatchNorm"});
  expect_one_line_error(train_args("--width 2 --method augmix --norm dubin"),
                        {"--norm", "got --method augmix"});
  expect_one_line_error(train_args("--arch densenet121 --growth-rate 2 --norm dubin"),
                        {"--norm", "resnet18, wrn18", "not of --arch densenet121"});
  expect_one_line_error(train_args("--arch resnet50 --width 2 --norm bn"),
                        {"--norm", "resnet18, wrn18"});
  expect_one_line_error(train_args("--width 2 --method augmax --norm ibn"),
                        {"--norm", "expected bn or dubin, got 'ibn'"});
  // AugMax with DuBIN trains, records the norm, and its best checkpoint evaluates (main route).
  const auto r = testing::run_dign(
      train_args("--width 2 --method augmax --augmax-steps 1 --norm dubin --concat-views "
                 "--memory-format channels-last"),
      dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(model_record().at("model_options").at("norm"), "dubin");
  const auto run = run::load_run(dir.str("run"), "best");
  EXPECT_TRUE(models::has_dual_norm(*run.model));
  const auto eval = testing::run_dign("eval --model " + dir.str("run") +
                                          " --data synthetic --synthetic-train 40 "
                                          "--synthetic-test 20 --quiet --report " +
                                          dir.str("eval.json"),
                                      dir);
  EXPECT_EQ(eval.code, 0) << eval.err;
  const auto report = nlohmann::json::parse(read_text_file(dir.str("eval.json")));
  EXPECT_EQ(report.at("model").at("norm"), "dubin") << report.dump();
}

TEST_F(ArchCli, ImagesTooSmallForDenseNetAreRefusedUnderImageSizeBeforeAnythingIsWritten) {
  // An ImageFolder of 6x6 images: densenet121's three 2x2 pools leave nothing of them.
  for (const char* split : {"train", "test"}) {
    for (const char* label : {"a", "b"}) {
      for (int i = 0; i < 2; ++i) {
        testing::write_image(dir.path() / "data" / split / label / (std::to_string(i) + ".png"),
                             testing::solid(6, 6, 10, 20, static_cast<uint8_t>(30 * i)));
      }
    }
  }
  expect_one_line_error(train_args("--arch densenet121 --growth-rate 2", dir.str("data")),
                        {"--image-size", "densenet121 needs images of at least 8x8", "got 6x6"});
  // Asked for with --image-size, it is refused before the data are read.
  expect_one_line_error(
      train_args("--arch densenet121 --growth-rate 2 --image-size 7", dir.str("data")),
      {"--image-size", "got 7x7"});
  // Resized up to 8 px they fit.
  const auto r = testing::run_dign(
      train_args("--arch densenet121 --growth-rate 2 --image-size 8 --batch-size 2",
                 dir.str("data")),
      dir);
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(ArchCli, HelpListsTheArchitecturesAndTheirFlagsWithDefaults) {
  const auto help = testing::run_dign("train --help", dir);
  EXPECT_EQ(help.code, 0) << help.err;
  for (const char* shown : {"resnet18|wrn18|densenet121|resnet50", "--growth-rate INT=12 ",
                            "--width-multiplier FLOAT=5 ", "--stem TEXT=auto ", "--width INT=64 ",
                            "--norm TEXT=bn ", "dubin (the original AugMax's DuBIN",
                            "plain BatchNorm, as the paper's code (--norm "
                            "dubin: the original AugMax's DuBIN)"}) {
    EXPECT_TRUE(contains(help.out, shown)) << shown << "\n" << help.out;
  }
}

}  // namespace
}  // namespace dign
