// libFuzzer target: .npy files (CIFAR-10-C arrays and labels): magic, version,
// header dict, dtype, shape arithmetic and data length.
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "data/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto array = dign::data::parse_npy(data, size, "fuzz.npy");
    if (array.elements() > 0 && array.dtype != "f4" && array.dtype != "f8" && array.dtype != "u8" &&
        array.dtype != "b1") {
      array.integer_at(array.elements() - 1);
    }
  } catch (const dign::Error&) {
  }
  return 0;
}
