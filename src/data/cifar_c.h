#pragma once
// CIFAR-10-C / CIFAR-100-C directories (Hendrycks & Dietterich, 2019): one
// `<corruption>.npy` per corruption, uint8 (S*N, H, W, 3) with the lowest severity
// first, and `labels.npy` (S*N,) of any integer dtype. Every `<name>.npy` counts,
// including corruptions this tool does not know (a user's own). The arrays are
// memory mapped and read batch by batch.
//
//   auto set = open_cifar_c("CIFAR-10-C");            // all 19 corruptions, 5 severities
//   set->read(/*corruption=*/0, /*severity index=*/4, 0, 500, buffer.data());
#include <memory>
#include <string>
#include <vector>

#include "data/corrupted_set.h"

namespace dign::data {

/// True when `dir` holds labels.npy and at least one other .npy file.
bool looks_like_cifar_c(const std::string& dir);

/// Opens a CIFAR-10-C style directory. Every array is validated up front (dtype uint8,
/// 4 dimensions, 3 channels, the same shape for every corruption, a length that is a
/// multiple of the labels' period, labels repeating identically per severity);
/// dign::Error naming the file and what was expected otherwise. `severities` lists how
/// many blocks the arrays hold (S = length / N); when labels.npy holds a single severity's
/// labels (N entries), S = array length / N.
std::unique_ptr<CorruptedSet> open_cifar_c(const std::string& dir);

}  // namespace dign::data
