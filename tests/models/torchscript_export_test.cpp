// dign's networks as TorchScript modules (models/torchscript_export.h) and as state dict files
// (models/state_dict_file.h): the same logits from the same tensors for every architecture, read
// back from the archive bytes; BatchNorm's training branch; the names and order of PyTorch's
// state_dict(); no C++ type tags (torch.load(weights_only=True) refuses them); one-line errors.
// tests/models/pytorch/interop_test.py checks the files from Python.
#include "models/torchscript_export.h"

#include <gtest/gtest.h>

#include <string>

#include "core/torch_rng.h"
#include "models/registry.h"
#include "models/scripted_classifier.h"
#include "models/state_dict_file.h"
#include "test_util.h"

namespace dign::models {
namespace {
using testing::contains;
using testing::error_of;

/// `arch` for 10 classes at `side` px, drawn from a fixed generator, its BatchNorm statistics
/// moved away from 0 and 1 (so that using them or not shows), in eval mode.
Classifier built(const ArchOptions& arch, int64_t side) {
  auto model = make_model(arch, ModelData().image_size(side).mean({0.4, 0.5, 0.6}));
  auto generator = make_generator(torch::kCPU, 3);
  model->reset_parameters(generator);
  torch::NoGradGuard no_grad;
  for (auto& b : model->named_buffers()) {
    if (contains(b.key(), "running_mean")) b.value().uniform_(-0.3, 0.3, generator);
    if (contains(b.key(), "running_var")) b.value().uniform_(0.5, 1.5, generator);
  }
  model->eval();
  return model;
}

torch::Tensor images(int64_t n, int64_t side) {
  auto generator = make_generator(torch::kCPU, 11);
  return torch::rand({n, 3, side, side}, generator);
}

struct Case {
  std::string name;
  ArchOptions arch;
  int64_t side;
};

void PrintTo(const Case& c, std::ostream* out) {
  *out << c.name << " at " << c.side << " px";
}

class EveryArchitecture : public ::testing::TestWithParam<Case> {};

TEST_P(EveryArchitecture, TheArchiveReadBackGivesTheNetworksLogits) {
  const Case& c = GetParam();
  auto model = built(c.arch, c.side);
  const auto bytes = torchscript_bytes(to_torchscript(*model), R"({"arch": "x"})");
  std::string record;
  auto scripted = read_scripted_classifier(bytes, "m.pt", InputNormalization(), &record);
  EXPECT_EQ(record, R"({"arch": "x"})");
  const auto x = images(3, c.side);
  torch::NoGradGuard no_grad;
  const auto expected = model->forward(x);
  const auto got = scripted->forward(x);
  ASSERT_EQ(got.sizes(), expected.sizes());
  EXPECT_LE((got - expected).abs().max().item<double>(), 1e-5) << c.name;
  // The archive's tensors, in PyTorch's state_dict() order, under dign's names.
  const NamedTensors native = state_dict_of(*model);
  const NamedTensors from_archive = state_dict_of(*scripted);
  ASSERT_EQ(from_archive.size(), native.size());
  for (size_t i = 0; i < native.size(); ++i) {
    EXPECT_EQ(from_archive[i].first, native[i].first);
    EXPECT_TRUE(torch::equal(from_archive[i].second, native[i].second)) << native[i].first;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Models, EveryArchitecture,
    ::testing::Values(Case{"resnet18_cifar", ResNet18Options().width(2), 32},
                      Case{"resnet18_tiny", ResNet18Options().width(2), 64},
                      // AugMax's DuBIN (odd widths: a 1-channel instance half): the main route.
                      Case{"resnet18_dubin", ResNet18Options().width(3).norm("dubin"), 32},
                      Case{"wrn18", WideResNet18Options().width_multiplier(0.05), 32},
                      Case{"densenet121", DenseNet121Options().growth_rate(2), 32},
                      Case{"resnet50", ResNet50Options().width(2), 48}),
    [](const auto& info) { return info.param.name; });

TEST(TorchscriptExport, BatchNormInTrainingModeUpdatesItsStatisticsAsLibTorchDoes) {
  auto model = built(ResNet18Options().width(2), 32);
  auto reference = built(ResNet18Options().width(2), 32);  // the same draws, separate tensors
  torch::jit::Module scripted = to_torchscript(*model);
  scripted.train();
  reference->train();
  const auto x = images(4, 32);
  torch::NoGradGuard no_grad;
  const auto got = scripted.forward({x}).toTensor();
  EXPECT_LE((got - reference->forward(x)).abs().max().item<double>(), 1e-5);
  const NamedTensors after = state_dict_of(*model);  // shared with the scripted module
  const NamedTensors want = state_dict_of(*reference);
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_TRUE(torch::allclose(after[i].second, want[i].second, 1e-5, 1e-6)) << want[i].first;
  }
  EXPECT_EQ(model->named_buffers()["stem_bn.num_batches_tracked"].item<int64_t>(), 1);
}

TEST(TorchscriptExport, AModuleWithoutADefinitionNamesTheCoveredArchitectures) {
  struct TinyNetImpl : ClassifierImpl {
    TinyNetImpl() { register_module("linear", torch::nn::Linear(3, 2)); }
    torch::Tensor forward(torch::Tensor x) override { return x; }
  };
  TinyNetImpl model;
  const auto message = error_of([&] { to_torchscript(model); });
  EXPECT_TRUE(contains(message, "TinyNet")) << message;
  EXPECT_TRUE(contains(message, "resnet18, wrn18, densenet121, resnet50")) << message;
  EXPECT_TRUE(contains(message, "--format state-dict")) << message;
}

TEST(StateDictFile, ReadsBackTheSameNamesAndTensorsWithoutTypeTags) {
  auto model = built(ResNet18Options().width(2), 32);
  const NamedTensors tensors = state_dict_of(*model);
  // PyTorch's order: a module's parameters, its buffers, then its children.
  ASSERT_GE(tensors.size(), 4u);
  EXPECT_EQ(tensors[0].first, "normalize.mean");
  EXPECT_EQ(tensors[1].first, "normalize.inv_std");
  EXPECT_EQ(tensors[2].first, "stem.weight");
  EXPECT_EQ(tensors[3].first, "stem_bn.weight");
  EXPECT_EQ(tensors.back().first, "classifier.bias");
  const std::vector<char> bytes = state_dict_bytes(tensors);
  // torch.load(weights_only=True) refuses torch.jit._pickle.restore_type_tag, which
  // torch::pickle_save writes for a typed Dict (the facts sheet, section 5).
  EXPECT_FALSE(contains(std::string(bytes.begin(), bytes.end()), "restore_type_tag"));
  const NamedTensors back = read_state_dict(bytes, "m.pth");
  ASSERT_EQ(back.size(), tensors.size());
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].first, tensors[i].first);
    EXPECT_EQ(back[i].second.scalar_type(), tensors[i].second.scalar_type());
    EXPECT_TRUE(torch::equal(back[i].second, tensors[i].second)) << tensors[i].first;
  }
  // LibTorch's own writer does tag the dict: the reason for this writer.
  c10::Dict<std::string, at::Tensor> dict;
  dict.insert("w", torch::ones({2}));
  const auto tagged = torch::pickle_save(dict);
  EXPECT_TRUE(contains(std::string(tagged.begin(), tagged.end()), "restore_type_tag"));
}

TEST(StateDictFile, BytesThatAreNotADictOfTensorsAreAOneLineErrorNamingTheSource) {
  const std::string text = "not a zip";
  const auto garbage = error_of([&] { read_state_dict({text.begin(), text.end()}, "x.pth"); });
  EXPECT_TRUE(contains(garbage, "x.pth: not a torch.save archive")) << garbage;
  EXPECT_EQ(garbage.find('\n'), std::string::npos) << garbage;
  const auto tensor = torch::pickle_save(torch::ones({2}));
  const auto message = error_of([&] { read_state_dict(tensor, "t.pth"); });
  EXPECT_TRUE(contains(message, "t.pth: expected a dict of tensors")) << message;
}

}  // namespace
}  // namespace dign::models
