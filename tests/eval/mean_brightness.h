#pragma once
// A classifier whose every output is known by hand: logits (a, 0) with
// a = 10 * mean pixel value - 2, so bright images are class 0 and dark ones class 1; and four
// images for it.
#include <torch/torch.h>

#include "data/image_set.h"
#include "models/classifier.h"

namespace dign::testing {

class MeanBrightness : public models::ClassifierImpl {
 public:
  torch::Tensor forward(torch::Tensor images) override {
    auto a = images.mean({1, 2, 3}) * 10 - 2;
    return torch::stack({a, torch::zeros_like(a)}, 1);
  }
};

/// Four 2x2 images for it: two bright (value 255, label 0) and two dark (value 0, labels 0 and
/// 1), so it gets three of four right.
inline data::ImageSet four_images() {
  data::ImageSet s;
  s.height = s.width = 2;
  s.class_names = {"bright", "dark"};
  for (uint8_t v : {255, 255, 0, 0}) s.pixels.insert(s.pixels.end(), 12, v);
  s.labels = {0, 0, 0, 1};
  return s;
}

}  // namespace dign::testing
