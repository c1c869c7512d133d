#include "models/inference.h"

#include "core/autocast.h"

namespace dign::models {

torch::Tensor predict_probabilities(ClassifierImpl& model, const torch::Tensor& images,
                                    Precision precision) {
  torch::InferenceMode guard;
  torch::Tensor logits;
  {
    AutocastScope autocast(precision, images.device());
    logits = model.forward(images);
  }
  return torch::softmax(logits.to(torch::kFloat32), 1);
}

}  // namespace dign::models
