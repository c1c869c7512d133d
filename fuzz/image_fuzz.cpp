// libFuzzer target: PNG/JPEG headers and decoding as the ImageFolder and
// Tiny-ImageNet readers do it (header checked before OpenCV sees the bytes).
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "data/image_folder.h"
#include "data/image_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int width = 0, height = 0;
  dign::data::read_image_header(data, size, width, height);
  try {
    dign::data::decode_image_bytes(data, size, "fuzz.img");
  } catch (const dign::Error&) {
  }
  return 0;
}
