#include "data/image_header.h"

#include <climits>

namespace dign::data {
namespace {

uint32_t read_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

uint32_t read_be16(const uint8_t* p) {
  return (uint32_t{p[0]} << 8) | uint32_t{p[1]};
}

// PNG: 8-byte signature, then the IHDR chunk must come first (length 13).
bool read_png_header(const uint8_t* bytes, size_t size, int& width, int& height) {
  static const uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (size < 24) return false;
  for (int i = 0; i < 8; ++i) {
    if (bytes[i] != kSignature[i]) return false;
  }
  if (read_be32(bytes + 8) != 13) return false;
  if (bytes[12] != 'I' || bytes[13] != 'H' || bytes[14] != 'D' || bytes[15] != 'R') return false;
  const uint32_t w = read_be32(bytes + 16);
  const uint32_t h = read_be32(bytes + 20);
  // The PNG spec limits both to 2^31 - 1; anything else is not a PNG.
  if (w == 0 || h == 0 || w > uint32_t{INT_MAX} || h > uint32_t{INT_MAX}) return false;
  width = static_cast<int>(w);
  height = static_cast<int>(h);
  return true;
}

// JPEG: walk the marker segments after SOI until a start-of-frame marker.
// SOF0..SOF15 are 0xC0..0xCF except DHT (C4), JPG (C8) and DAC (CC).
bool read_jpeg_header(const uint8_t* bytes, size_t size, int& width, int& height) {
  if (size < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8) return false;
  size_t pos = 2;
  while (pos < size) {
    if (bytes[pos] != 0xFF) return false;
    while (pos < size && bytes[pos] == 0xFF) ++pos;  // fill bytes may precede a marker
    if (pos >= size) return false;
    const uint8_t marker = bytes[pos++];
    // Markers without a length field.
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) continue;
    // Entropy-coded data or the end: no frame header was found before it.
    if (marker == 0xDA || marker == 0xD9 || marker == 0x00) return false;
    if (pos + 2 > size) return false;
    const size_t length = read_be16(bytes + pos);  // includes the two length bytes
    if (length < 2) return false;
    const bool is_sof =
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (is_sof) {
      // length(2) precision(1) height(2) width(2) components(1)
      if (length < 8 || pos + 7 > size) return false;
      const uint32_t h = read_be16(bytes + pos + 3);
      const uint32_t w = read_be16(bytes + pos + 5);
      // Height 0 means "defined later by a DNL marker": we cannot bound it.
      if (w == 0 || h == 0) return false;
      width = static_cast<int>(w);
      height = static_cast<int>(h);
      return true;
    }
    pos += length;
  }
  return false;
}

}  // namespace

bool read_image_header(const uint8_t* bytes, size_t size, int& width, int& height) {
  if (bytes == nullptr) return false;
  return read_png_header(bytes, size, width, height) ||
         read_jpeg_header(bytes, size, width, height);
}

bool image_size_allowed(int64_t width, int64_t height) {
  return width > 0 && height > 0 && width <= kMaxImageSide && height <= kMaxImageSide &&
         width * height <= kMaxImagePixels;
}

}  // namespace dign::data
