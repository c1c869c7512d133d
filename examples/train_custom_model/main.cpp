// Using dign as a library: a model of our own, trained with the DiGN objective (Eq. 6) on the
// built-in synthetic data, then measured on clean images and generated corruptions.
//
//   cmake --install build --prefix ~/dign                  # in the dign repository
//   cmake -S examples/train_custom_model -B ex -DCMAKE_PREFIX_PATH=~/dign && cmake --build ex
//   ex/train_custom_model            # about 30 s on 2 cores; --quick: a few seconds
#include <fmt/format.h>
#include <torch/torch.h>

#include <iostream>
#include <string>

#include "core/error.h"
#include "core/machine.h"
#include "core/progress.h"
#include "core/torch_rng.h"
#include "corrupt/generated_set.h"
#include "eval/corruption_eval.h"
#include "eval/evaluator.h"
#include "models/classifier.h"
#include "objectives/dign.h"
#include "objectives/registry.h"
#include "train/hooks.h"
#include "train/loop.h"
#include "train/step.h"
#include "train/synthetic_recipe.h"
#include "train/training_data.h"

// Any torch::nn model trains and evaluates with dign once it derives from ClassifierImpl:
// float [N,3,H,W] images in [0,1] in, [N,classes] logits out.
class SmallConvNetImpl : public dign::models::ClassifierImpl {
 public:
  explicit SmallConvNetImpl(int64_t classes) {
    namespace nn = torch::nn;
    nn::Sequential features;
    int64_t in = 3;
    for (const int64_t out : {32, 64, 128}) {  // conv-BatchNorm-ReLU, then half the resolution
      features->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1).bias(false)));
      features->push_back(nn::BatchNorm2d(out));
      features->push_back(nn::ReLU());
      features->push_back(nn::MaxPool2d(2));
      in = out;
    }
    features->push_back(nn::AdaptiveAvgPool2d(1));
    features_ = register_module("features", features);
    head_ = register_module("head", nn::Linear(128, classes));
  }
  torch::Tensor forward(torch::Tensor images) override {
    return head_(features_->forward(images).flatten(1));
  }

 private:
  torch::nn::Sequential features_{nullptr};
  torch::nn::Linear head_{nullptr};
};

// The loop leaves reporting to its hooks: one line per epoch.
class PrintEpochs : public dign::train::TrainerHooks {
 public:
  void end_of_epoch(const dign::run::TrainState& state,
                    const dign::train::EpochInfo& epoch) override {
    fmt::print("epoch {}: train loss {:.3f}, test accuracy {:.3f}\n", state.epoch,
               state.log.back()["train_loss"].get<double>(), epoch.selection_metric);
  }
};

int main(int argc, char** argv) try {
  const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  // The synthetic recipe's data and schedule (run::TrainOptions: all the loop reads), with
  // DiGN at the paper's CIFAR-10 settings.
  dign::train::SyntheticRecipe recipe;
  recipe.epochs = quick ? 2 : 4;
  recipe.train_images = quick ? 1000 : 3000;
  recipe.test_images = quick ? 200 : 500;
  dign::run::TrainOptions options = recipe.options("dign", /*out=*/"");
  options.method.options = dign::objectives::DignOptions().lambda(0.2).sigma_max(0.2).samples(3);

  const dign::Machine machine = dign::resolve_machine(options.machine);
  const auto data = dign::train::prepare_training_data(options, machine.threads);
  auto model = std::make_shared<SmallConvNetImpl>(data.train.num_classes());
  auto init = dign::make_generator(torch::kCPU, options.seed);  // weights from the seed alone
  model->reset_parameters(init);
  model->to(machine.device);
  auto objective = dign::objectives::make_objective(options.method);
  auto optimizer = dign::train::make_optimizer(*model, options);

  dign::StreamProgress progress(std::cout);
  dign::train::TrainingLoop loop(options, machine, data, *model, *objective, *optimizer, progress);
  dign::run::TrainState state;
  PrintEpochs hooks;
  loop.run(state, hooks);

  // Clean test images, then generated corruptions (CIFAR-10-C's algorithms, in memory).
  dign::eval::EvalOptions eval;
  eval.precision = machine.precision;
  const auto& test = data.dataset.test;
  const auto clean = dign::eval::evaluate_condition(*model, test, machine.device, eval, 0.0);
  fmt::print("clean: accuracy {:.3f} +- {:.3f}, RMSE {:.3f}\n", clean.accuracy.value(),
             clean.accuracy.standard_error(), clean.calibration.value().rmse);

  dign::corrupt::GenerateOptions generate;
  generate.corruptions = {"shot_noise", "impulse_noise", "fog", "contrast"};
  generate.severities = {1, 3, 5};
  const auto corrupted = dign::corrupt::generate_corrupted(test, generate);
  dign::SilentProgress quiet;
  const auto results = dign::eval::evaluate_corrupted(*model, *corrupted, machine.device, eval,
                                                      dign::eval::CorruptionEvalOptions(), quiet);
  for (size_t c = 0; c < results.corruptions.size(); ++c) {
    std::string line = results.corruptions[c] + ":";
    for (size_t s = 0; s < results.severities.size(); ++s) {
      line += fmt::format(" severity {} {:.3f}", results.severities[s],
                          results.cells[c][s].accuracy.value());
    }
    fmt::print("{}\n", line);
  }
  fmt::print("all corruptions: accuracy {:.3f}, RMSE {:.3f}; noise: accuracy {:.3f}, RMSE {:.3f}\n",
             results.pooled_all.accuracy.value(), results.pooled_all.calibration.value().rmse,
             results.pooled_noise.accuracy.value(), results.pooled_noise.calibration.value().rmse);
  return 0;
} catch (const dign::Error& e) {
  std::cerr << "error: " << e.what() << "\n";
  return 2;
}
