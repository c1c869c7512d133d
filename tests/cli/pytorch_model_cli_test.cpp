// `dign eval --model FILE.pt` and `dign export` as a user meets them: an exported run evaluates
// to the run's own figures with the file's content hash in the provenance, and every bad input
// (a file that is not TorchScript, a dign checkpoint, an output that is not logits, a wrong
// class count, a malformed --input-mean, flags that do not apply) is one line naming the file or
// the flag, exit 2. tests/models/pytorch/interop_test.py runs the files through PyTorch.
#include <gtest/gtest.h>
#include <xxhash.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include "core/file_io.h"
#include "core/torch_rng.h"
#include "dign_process.h"
#include "models/registry.h"
#include "models/torchscript_export.h"
#include "test_util.h"

namespace dign {
namespace {
using testing::contains;
using testing::ProcessResult;

class PytorchModelCli : public ::testing::Test {
 protected:
  /// One tiny run for the suite: ResNet-18 width 2, 40 synthetic images, one epoch.
  static void SetUpTestSuite() {
    dir_ = std::make_unique<testing::TempDir>();
    const auto r =
        run("train --data synthetic --synthetic-train 40 --synthetic-test 20 --width 2 "
            "--epochs 1 --batch-size 16 --precision fp32 --quiet --threads 1 --out " +
            dir_->str("run"));
    ASSERT_EQ(r.code, 0) << r.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static ProcessResult run(const std::string& args) { return testing::run_dign(args, *dir_); }
  static std::string path(const std::string& name) { return dir_->str(name); }
  static std::string eval_args(const std::string& model) {
    return "eval --model " + model +
           " --data synthetic --synthetic-train 40 --synthetic-test 20 --noise-sigmas 0.1 "
           "--precision fp32 --threads 1";
  }
  static void expect_one_line_error(const std::string& args, const std::string& names) {
    const auto r = run(args);
    EXPECT_EQ(r.code, 2) << args;  // every invalid input exits 2
    EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
    EXPECT_TRUE(contains(r.err, names)) << args << "\n" << r.err;
  }
  /// A TorchScript file of dign's ResNet-18 (width 2) for `classes` classes.
  static std::string scripted_file(const std::string& name, int64_t classes) {
    auto model = models::make_model(models::ResNet18Options().width(2),
                                    models::ModelData().num_classes(classes));
    model->eval();
    const auto bytes = models::torchscript_bytes(models::to_torchscript(*model), "");
    write_file_atomic(path(name), bytes.data(), bytes.size());
    return path(name);
  }
  static std::unique_ptr<testing::TempDir> dir_;
};
std::unique_ptr<testing::TempDir> PytorchModelCli::dir_;

TEST_F(PytorchModelCli, AnExportedRunEvaluatesToTheRunsFiguresWithTheFilesHash) {
  const auto exported = run("export --model " + path("run") + " --out " + path("m.pt"));
  ASSERT_EQ(exported.code, 0) << exported.err;
  EXPECT_TRUE(contains(exported.out, "wrote " + path("m.pt") + " (torchscript: resnet18"));
  ASSERT_EQ(run(eval_args(path("run")) + " --report " + path("run.json")).code, 0);
  const auto evaluated = run(eval_args(path("m.pt")));  // the report goes beside the file
  ASSERT_EQ(evaluated.code, 0) << evaluated.err;
  const auto native = nlohmann::json::parse(read_text_file(path("run.json")));
  const auto scripted = nlohmann::json::parse(read_text_file(path("m.eval.json")));
  for (const char* key : {"accuracy", "ece", "rmse", "oe"}) {
    EXPECT_NEAR(scripted["clean"][key].get<double>(), native["clean"][key].get<double>(), 1e-6)
        << key;
    EXPECT_NEAR(scripted["gaussian_noise"][0][key].get<double>(),
                native["gaussian_noise"][0][key].get<double>(), 1e-6)
        << key;
  }
  // The provenance: the file and the xxh3 of its bytes; the model: its record from the export.
  const auto bytes = read_file(path("m.pt"));
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(bytes.data(), bytes.size())));
  EXPECT_EQ(scripted["provenance"]["model_content_hash"], std::string("xxh3:") + hex);
  EXPECT_EQ(scripted["provenance"]["model_file"], path("m.pt"));
  EXPECT_EQ(scripted["model"]["format"], "torchscript");
  EXPECT_EQ(scripted["model"]["num_classes"], 10);
  EXPECT_EQ(scripted["model"]["dign_export"]["arch"], "resnet18");
  EXPECT_EQ(scripted["model"]["input_normalization"]["std"], nlohmann::json({1.0, 1.0, 1.0}));

  const auto state =
      run("export --model " + path("run") + " --format state-dict --quiet --out " + path("m.pth"));
  ASSERT_EQ(state.code, 0) << state.err;
  EXPECT_EQ(state.out, "");
  EXPECT_TRUE(std::filesystem::exists(path("m.pth")));
}

TEST_F(PytorchModelCli, BadFilesAndOutputsAreOneLineNamingTheFile) {
  testing::write_text(path("notes.pt"), "not a model\n");
  expect_one_line_error(eval_args(path("notes.pt")),
                        path("notes.pt") + ": not a TorchScript archive");
  expect_one_line_error(eval_args(path("run/best.ckpt")),
                        path("run/best.ckpt") + ": is a dign checkpoint, not a TorchScript file");
  expect_one_line_error(eval_args(scripted_file("four.pt", 4)),
                        path("four.pt") + ": the model scores 4 classes but synthetic has 10");
  torch::jit::Module identity("__torch__.Identity");
  identity.register_attribute("training", c10::BoolType::get(), false);
  identity.define("def forward(self, x):\n    return x\n");
  identity.save(path("identity.pt"));
  expect_one_line_error(eval_args(path("identity.pt")),
                        path("identity.pt") + ": expected float logits [2, classes]");
  EXPECT_FALSE(std::filesystem::exists(path("identity.eval.json")));
}

TEST_F(PytorchModelCli, BadFlagsAreOneLineNamingTheFlag) {
  const std::string model = scripted_file("ten.pt", 10);
  expect_one_line_error(eval_args(model) + " --input-mean 0.5,0.5", "--input-mean: expected 3");
  expect_one_line_error(eval_args(model) + " --input-std 0.2,0.2,0.2,0.2",
                        "--input-std: expected 3");
  expect_one_line_error(eval_args(model) + " --input-std 0.2,0,0.2", "--input-std: channel 1");
  expect_one_line_error(eval_args(path("run")) + " --input-mean cifar10",
                        "--input-mean: only for a TorchScript --model file");
  expect_one_line_error(eval_args(model) + " --checkpoint last", "--checkpoint: only for a run");
  expect_one_line_error(eval_args(model) + " --dump-probabilities p.txt", "--dump-probabilities");
  expect_one_line_error("export --model " + path("run") + " --out " + path("x") + " --format onnx",
                        "--format");
  expect_one_line_error("export --model " + path("run"), "--out");
  expect_one_line_error("export --model " + path("nowhere") + " --out " + path("x.pt"), "nowhere");
  EXPECT_FALSE(std::filesystem::exists(path("x.pt")));
  // The named choices work, and the dump holds [images, classes] float32.
  const auto r = run(eval_args(model) + " --input-mean cifar10 --input-std cifar10 --report " +
                     path("c.json") + " --dump-probabilities " + path("p.npy"));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto report = nlohmann::json::parse(read_text_file(path("c.json")));
  EXPECT_EQ(report["model"]["input_normalization"]["mean"],
            nlohmann::json({0.4914, 0.4822, 0.4465}));
  EXPECT_TRUE(std::filesystem::exists(path("p.npy")));
}

}  // namespace
}  // namespace dign
