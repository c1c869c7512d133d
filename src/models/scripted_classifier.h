#pragma once
// A TorchScript module (torch.jit.script or torch.jit.trace, saved from Python, or dign export)
// as a dign classifier, so that every evaluation path (clean, noise, corrupted sets, attacks with
// autograd through the module) runs it unchanged:
//
//   Classifier model = read_scripted_classifier(bytes, "m.pt", parse_input_normalization(
//                                                                  "cifar10", "cifar10"));
//   const int64_t classes = scripted_output_classes(*model, probe_images, "m.pt");
//
// The module's parameters and buffers are also registered on the adapter under their own names
// (the same tensors, not copies), so parameters(), buffers(), to() and train()/eval() reach them.
#include <torch/script.h>
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "models/classifier.h"
#include "models/input_normalization.h"

namespace dign::models {

class ScriptedClassifierImpl : public ClassifierImpl {
 public:
  /// `module` maps float [N,3,H,W] to logits [N, classes]; `source` (the file) names it in
  /// errors. `input` is applied before the module.
  ScriptedClassifierImpl(torch::jit::Module module, InputNormalization input, std::string source);
  /// images float [N,3,H,W] in [0,1] -> module((images - mean) / std). dign::Error naming the
  /// source when the module fails or returns something else than a tensor.
  torch::Tensor forward(torch::Tensor images) override;
  /// Forwarded to the module (its BatchNorm and dropout follow it).
  void train(bool on = true) override;
  /// dign::Error: a scripted model keeps the weights it was saved with.
  void reset_parameters(torch::Generator& generator) override;

  torch::jit::Module& module() { return module_; }
  const InputNormalization& input() const { return input_; }
  const std::string& source() const { return source_; }

 private:
  torch::jit::Module module_;
  InputNormalization input_;
  std::string source_;
  torch::Tensor mean_, std_;  ///< float [1,3,1,1]
};

/// Reads a TorchScript archive held in memory onto the CPU, in eval mode. `dign_record`, when
/// given, receives the archive's extra file dign_model.json (written by dign export; empty when
/// absent). dign::Error naming `source` for bytes that are not a TorchScript archive or a module
/// without a forward method.
Classifier read_scripted_classifier(const std::vector<uint8_t>& bytes, const std::string& source,
                                    const InputNormalization& input,
                                    std::string* dign_record = nullptr);

/// The number of classes the model scores, from its output on `probe` (float [N,3,H,W]), in fp32
/// without autograd. dign::Error naming `source` when the forward pass fails or its output is
/// not [N, classes] with at least 2 classes.
int64_t scripted_output_classes(ClassifierImpl& model, const torch::Tensor& probe,
                                const std::string& source);

/// The message of a LibTorch or TorchScript interpreter error on one line: its last non-empty
/// line (the interpreter puts its traceback first and the cause last).
std::string last_error_line(const std::string& what);

}  // namespace dign::models
