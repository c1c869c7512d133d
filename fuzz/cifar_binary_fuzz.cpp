// libFuzzer target: CIFAR-10 and CIFAR-100 binary batches. A dign::Error is the
// expected answer to bad bytes; anything else (crash, sanitizer report, other
// exception) is a bug.
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "data/cifar_binary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  for (int label_bytes : {1, 2}) {
    try {
      dign::data::parse_cifar_batch(data, size, label_bytes, "fuzz.bin");
    } catch (const dign::Error&) {
    }
  }
  return 0;
}
