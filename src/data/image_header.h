#pragma once
// Reads the width and height a PNG or JPEG file claims, from its first bytes,
// without decoding it: readers refuse absurd sizes before the decoder
// allocates (a forged 60000x60000 header would otherwise cost ~10 GB).
//
//   int width = 0, height = 0;
//   if (!read_image_header(bytes.data(), bytes.size(), width, height)) { ... }
//   DIGN_CHECK(image_size_allowed(width, height), path, ": too large");
#include <cstddef>
#include <cstdint>

namespace dign::data {

/// Largest side and pixel count a reader accepts.
constexpr int64_t kMaxImageSide = 16384;
constexpr int64_t kMaxImagePixels = int64_t{1} << 28;

/// Parses the PNG IHDR chunk or the JPEG SOFn marker. Returns false (and
/// leaves width/height unspecified) when the bytes are neither, are truncated
/// before the dimensions, or claim a zero or negative dimension.
bool read_image_header(const uint8_t* bytes, size_t size, int& width, int& height);

/// True when width x height is within kMaxImageSide and kMaxImagePixels.
bool image_size_allowed(int64_t width, int64_t height);

}  // namespace dign::data
