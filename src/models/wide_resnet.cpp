// The paper's Wide-ResNet-18: resnet.h's ResNet-18 at the widths of wide_resnet_options.h.
#include "models/resnet.h"
#include "models/wide_resnet_options.h"

namespace dign::models {

Classifier make_classifier(const WideResNet18Options& options, const ModelData& data) {
  options.validate();
  const auto widths = options.stage_widths();
  return std::make_shared<ResNetImpl>(
      resnet18_layout({widths.begin(), widths.end()},
                      resnet_stem(resolve_stem(options.stem(), data.image_size())), options.norm()),
      data);
}

}  // namespace dign::models
