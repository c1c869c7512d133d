#pragma once
// Readers for the official CIFAR-10 / CIFAR-100 binary distributions
// (https://www.cs.toronto.edu/~kriz/cifar.html, "binary version").
//
//   if (looks_like_cifar_binary(dir)) {
//     Dataset data = read_cifar_binary(dir);  // 50000 train + 10000 test, 32x32
//   }
//
// Layout accepted (directly in `dir`, or in the official extracted subfolder
// `cifar-10-batches-bin/` or `cifar-100-binary/` inside it):
//   CIFAR-10:  data_batch_1.bin .. data_batch_5.bin, test_batch.bin, [batches.meta.txt]
//   CIFAR-100: train.bin, test.bin, [fine_label_names.txt]
#include <cstddef>
#include <cstdint>
#include <string>

#include "data/image_set.h"

namespace dign::data {

/// Parses one CIFAR binary batch. Each record is `label_bytes` label bytes
/// (1 for CIFAR-10; 2 for CIFAR-100, coarse then fine, of which the fine label
/// is kept) followed by 3072 bytes of planar R, G, B 32x32 planes; the result
/// is HWC RGB. `source` names the batch in errors and in `sources`
/// ("source#index"). class_names get the defaults (CIFAR-10 names, or
/// "class_0".."class_99"). Throws dign::Error on an empty or truncated batch
/// or an out-of-range label.
ImageSet parse_cifar_batch(const uint8_t* bytes, size_t size, int label_bytes,
                           const std::string& source);

/// True if `dir` (or its cifar-10-batches-bin/ or cifar-100-binary/ subfolder)
/// holds data_batch_1.bin (CIFAR-10) or train.bin and test.bin (CIFAR-100).
bool looks_like_cifar_binary(const std::string& dir);

/// Reads the whole dataset; name "cifar10" or "cifar100", format "cifar-binary".
/// CIFAR-10 uses whichever of data_batch_1..5.bin are present (data_batch_1.bin
/// is required) and test_batch.bin; names come from batches.meta.txt when present.
/// CIFAR-100 uses train.bin and test.bin; names from fine_label_names.txt when present.
Dataset read_cifar_binary(const std::string& dir);

}  // namespace dign::data
