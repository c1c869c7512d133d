#pragma once
// All corruptions by name, in the original generator's order.
#include <string>
#include <vector>

#include "corrupt/corruption.h"

namespace dign::corrupt {

/// The 19 corruptions: the paper's 15 benchmark ones, then the 4 extras.
const std::vector<Corruption>& corruption_catalog();

/// dign::Error listing the valid names when `name` is unknown.
const Corruption& find_corruption(const std::string& name);

/// Names for a benchmark: all 19 for CIFAR, the 15 benchmark ones for Tiny-ImageNet-C and
/// ImageNet-C (whose release also holds the 4 extras; --corruptions adds them).
std::vector<std::string> corruption_names(Table table);

/// The seed of image `index` under (corruption, severity) for a run seed: results
/// do not depend on thread count or order, and any single image can be regenerated.
uint64_t image_seed(uint64_t seed, const std::string& corruption, int severity, int64_t index);

/// Applies `corruption` at `severity` (checked: 1..5) to image `index`.
cv::Mat corrupt_image(const Corruption& corruption, const cv::Mat& rgb, int severity, uint64_t seed,
                      int64_t index, const Context& context);

}  // namespace dign::corrupt
