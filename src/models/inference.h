#pragma once
// Running a trained classifier: eval mode, no autograd, probabilities in fp32.
#include <torch/torch.h>

#include "core/machine.h"
#include "models/classifier.h"

namespace dign::models {

/// softmax(model(images)) in fp32 under inference mode. images [N,3,H,W] on the model's
/// device; returns [N,C] float32 on that device. The model must be in eval mode.
torch::Tensor predict_probabilities(ClassifierImpl& model, const torch::Tensor& images,
                                    Precision precision);

}  // namespace dign::models
