// A TorchScript module as a dign classifier (models/scripted_classifier.h): the module's logits
// after the input normalization, its tensors reachable as the adapter's own, train()/eval()
// forwarded, gradients to the input (attacks), bf16 autocast; and every malformed file or module
// a one-line error naming it. The TorchScript files are made in C++ (dign's exporter and
// Module::define); tests/models/pytorch/interop_test.py checks files written by Python.
#include "models/scripted_classifier.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/autocast.h"
#include "core/torch_rng.h"
#include "models/inference.h"
#include "models/registry.h"
#include "models/state_dict_file.h"
#include "models/torchscript_export.h"
#include "test_util.h"

namespace dign::models {
namespace {
using testing::contains;
using testing::error_of;

/// A ResNet-18 of width 2, drawn from a fixed generator, in eval mode.
Classifier native() {
  auto model = make_model(ResNet18Options().width(2), ModelData().num_classes(4));
  auto generator = make_generator(torch::kCPU, 5);
  model->reset_parameters(generator);
  model->eval();
  return model;
}

std::vector<uint8_t> archive_of(ClassifierImpl& model) {
  return torchscript_bytes(to_torchscript(model), "");
}

/// The archive of a module whose forward is `source` (no parameters).
std::vector<uint8_t> archive_with_forward(const std::string& source) {
  torch::jit::Module m("__torch__.Probe");
  m.register_attribute("training", c10::BoolType::get(), false);
  m.define(source);
  std::ostringstream out;
  m.save(out);
  const std::string s = out.str();
  return {s.begin(), s.end()};
}

torch::Tensor images(int64_t n) {
  auto generator = make_generator(torch::kCPU, 9);
  return torch::rand({n, 3, 32, 32}, generator);
}

bool one_line(const std::string& message) {
  return message.find('\n') == std::string::npos;
}

TEST(ScriptedClassifier, GivesTheModulesLogitsAfterTheInputNormalization) {
  auto model = native();
  const auto bytes = archive_of(*model);
  const InputNormalization identity;
  auto plain = read_scripted_classifier(bytes, "m.pt", identity);
  const InputNormalization cifar = parse_input_normalization("cifar10", "cifar10");
  auto normalized = read_scripted_classifier(bytes, "m.pt", cifar);
  const auto x = images(4);
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::allclose(plain->forward(x), model->forward(x), 1e-5, 1e-6));
  // (x - mean) / std per channel, then the module: torchvision's Normalize.
  const auto mean = torch::tensor({0.4914, 0.4822, 0.4465}, torch::kFloat32).view({1, 3, 1, 1});
  const auto std = torch::tensor({0.2023, 0.1994, 0.2010}, torch::kFloat32).view({1, 3, 1, 1});
  EXPECT_TRUE(
      torch::allclose(normalized->forward(x), plain->forward((x - mean) / std), 1e-6, 1e-7));
  EXPECT_EQ(scripted_output_classes(*normalized, x, "m.pt"), 4);
}

TEST(ScriptedClassifier, ItsTensorsAreTheModulesUnderTheirNamesAndTrainEvalIsForwarded) {
  auto model = native();
  auto scripted = read_scripted_classifier(archive_of(*model), "m.pt", InputNormalization());
  auto& adapter = dynamic_cast<ScriptedClassifierImpl&>(*scripted);
  // The same names as the module's parameters and buffers, and the same tensors (not copies):
  // parameters(), to() and the memory format reach what the module computes with.
  const auto mine = scripted->named_parameters();
  const auto theirs = adapter.module().named_parameters();
  ASSERT_EQ(mine.size(), theirs.size());
  ASSERT_EQ(mine.size(), model->named_parameters().size());
  for (const auto& p : theirs) {
    ASSERT_TRUE(mine.contains(p.name)) << p.name;
    EXPECT_TRUE(mine[p.name].is_same(p.value)) << p.name;
  }
  EXPECT_EQ(scripted->named_buffers().size(), model->named_buffers().size());
  EXPECT_FALSE(adapter.module().is_training());
  scripted->train();
  EXPECT_TRUE(adapter.module().is_training());
  EXPECT_TRUE(scripted->is_training());
  // In training mode BatchNorm uses the batch's statistics: other logits than in eval mode.
  const auto x = images(4);
  torch::NoGradGuard no_grad;
  const auto training = scripted->forward(x);
  scripted->eval();
  EXPECT_FALSE(adapter.module().is_training());
  EXPECT_FALSE(torch::allclose(training, scripted->forward(x)));
  const auto message = error_of([&] {
    auto generator = make_generator(torch::kCPU, 0);
    scripted->reset_parameters(generator);
  });
  EXPECT_TRUE(contains(message, "m.pt: a TorchScript model keeps the weights")) << message;
}

TEST(ScriptedClassifier, GradientsReachTheInputAndBf16StaysCloseToFp32) {
  auto scripted = read_scripted_classifier(archive_of(*native()), "m.pt",
                                           parse_input_normalization("cifar10", "cifar10"));
  // What an attack needs: d loss / d input through the interpreter, parameters untouched.
  const auto x = images(2).requires_grad_(true);
  const auto loss = torch::cross_entropy_loss(scripted->forward(x), torch::tensor({0, 1}));
  loss.backward();
  ASSERT_TRUE(x.grad().defined());
  EXPECT_GT(x.grad().abs().sum().item<double>(), 0.0);
  // Finite difference along the gradient's direction (fp32, step 1e-3): the same slope.
  const auto direction = x.grad() / x.grad().norm();
  torch::NoGradGuard no_grad;
  const auto at = [&](double t) {
    return torch::cross_entropy_loss(scripted->forward(x + t * direction), torch::tensor({0, 1}))
        .item<double>();
  };
  const double slope = (at(1e-3) - at(-1e-3)) / 2e-3;
  EXPECT_NEAR(slope, x.grad().norm().item<double>(), 0.05 * x.grad().norm().item<double>());
  // bf16 autocast through the scripted module (facts sheet, section 5: it applies).
  const auto fp32 = predict_probabilities(*scripted, x.detach(), Precision::kFp32);
  const auto bf16 = predict_probabilities(*scripted, x.detach(), Precision::kBf16);
  EXPECT_EQ(bf16.scalar_type(), torch::kFloat32);
  EXPECT_LE((bf16 - fp32).abs().max().item<double>(), 0.02);
}

TEST(ScriptedClassifier, BytesThatAreNotTorchScriptAreAOneLineErrorNamingTheFile) {
  const std::string text = "def forward(x): return x\n";
  const auto garbage = error_of([&] {
    read_scripted_classifier({text.begin(), text.end()}, "bad.pt", {});
  });
  EXPECT_TRUE(contains(garbage, "bad.pt: not a TorchScript archive")) << garbage;
  EXPECT_TRUE(one_line(garbage)) << garbage;
  // A state dict (a zip, but no TorchScript inside), as torch.save writes it.
  const auto state = state_dict_bytes(state_dict_of(*native()));
  const auto message = error_of([&] {
    read_scripted_classifier({state.begin(), state.end()}, "state.pth", {});
  });
  EXPECT_TRUE(contains(message, "state.pth: not a TorchScript archive")) << message;
  EXPECT_TRUE(one_line(message)) << message;
}

TEST(ScriptedClassifier, AnOutputThatIsNotLogitsIsAOneLineErrorNamingTheFile) {
  const auto x = images(2);
  struct Bad {
    std::string forward, expected;
  };
  for (const Bad& bad : {
           Bad{"def forward(self, x):\n    return x\n", "expected float logits [2, classes]"},
           Bad{"def forward(self, x):\n    return x.mean([1, 2, 3])\n",
               "expected float logits [2, classes]"},
           Bad{"def forward(self, x):\n    return x.flatten(1)[:, :1]\n", "at least 2 classes"},
           Bad{"def forward(self, x):\n    return (x, x)\n", "returned a Tuple"},
           Bad{"def forward(self, x):\n    return torch.conv2d(x, torch.ones([2, 4, 3, 3]))\n",
               "forward pass failed on a float [2, 3, 32, 32] batch"},
       }) {
    SCOPED_TRACE(bad.forward);
    auto model = read_scripted_classifier(archive_with_forward(bad.forward), "odd.pt", {});
    const auto message = error_of([&] { scripted_output_classes(*model, x, "odd.pt"); });
    EXPECT_TRUE(contains(message, "odd.pt: ")) << message;
    EXPECT_TRUE(contains(message, bad.expected)) << message;
    EXPECT_TRUE(one_line(message)) << message;
  }
  torch::jit::Module no_forward("__torch__.NoForward");
  no_forward.define("def score(self, x):\n    return x\n");
  std::ostringstream out;
  no_forward.save(out);
  const std::string s = out.str();
  const auto message = error_of([&] {
    read_scripted_classifier({s.begin(), s.end()}, "nf.pt", {});
  });
  EXPECT_TRUE(contains(message, "nf.pt: the TorchScript module has no forward method")) << message;
}

TEST(InputNormalization, ParsesNamedChoicesAndThreeValuesAndNamesTheFlag) {
  EXPECT_TRUE(parse_input_normalization("", "").identity());
  const auto cifar = parse_input_normalization("cifar10", "cifar10");
  EXPECT_EQ(cifar.mean, (ChannelValues{0.4914, 0.4822, 0.4465}));
  EXPECT_EQ(cifar.std, (ChannelValues{0.2023, 0.1994, 0.2010}));
  EXPECT_EQ(parse_channel_values(" 0.5, 0.25 ,1 ", "input_mean"), (ChannelValues{0.5, 0.25, 1}));
  EXPECT_EQ(parse_input_normalization("", "imagenet").mean, (ChannelValues{0, 0, 0}));
  for (const auto& [text, field, expected] : std::vector<std::array<std::string, 3>>{
           {"0.5,0.5", "input_mean", "expected 3 comma-separated values"},
           {"0.1,0.2,0.3,0.4", "input_mean", "got 4 values"},
           {"0.5,x,0.5", "input_mean", "channel 1: expected a finite number, got 'x'"},
           {"0.5,,0.5", "input_std", "channel 1: expected a finite number"},
           {"0.5,0.5,inf", "input_mean", "channel 2: expected a finite number"},
           {"0.5,0,0.5", "input_std", "channel 1: expected a std > 0"},
           {"cifar100", "input_std", "got 1 value ('cifar100')"}}) {
    try {
      parse_channel_values(text, field);
      ADD_FAILURE() << text << ": no error";
    } catch (const OptionError& e) {
      EXPECT_EQ(e.field(), field) << text;
      EXPECT_TRUE(contains(e.what(), expected)) << e.what();
    }
  }
}

}  // namespace
}  // namespace dign::models
