#include "models/batch_norm.h"

#include <ostream>

// Debian's LibTorch builds with hidden visibility and exports BatchNorm2dImpl's vtable but not
// this member of its base template, which the vtables of a subclass (models::BatchNorm2d) refer
// to. Defined here as LibTorch's torch/csrc/api/src/nn/modules/batchnorm.cpp defines it.
namespace torch::nn {

template <>
void BatchNormImplBase<2, BatchNorm2dImpl>::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "torch::nn::BatchNorm2d(" << options.num_features() << ", "
         << "eps=" << options.eps() << ", momentum=";
  if (options.momentum().has_value()) {
    stream << options.momentum().value();
  } else {
    stream << "None";
  }
  stream << ", affine=" << options.affine()
         << ", track_running_stats=" << options.track_running_stats() << ")";
}

}  // namespace torch::nn
