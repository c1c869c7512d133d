#pragma once
// NumPy .npy files (format versions 1.0, 2.0, 3.0), the layout of CIFAR-10-C:
// `<corruption>.npy` uint8 (N, H, W, 3) and `labels.npy` (N,). Plain bytes in,
// a validated array or a one-line dign::Error out; no LibTorch.
//
//   NpyArray a = read_npy("CIFAR-10-C/snow.npy");        // a.dtype == "u1", a.shape ==
//   {50000,32,32,3} write_npy("out/labels.npy", NpyArray::u1({5}, bytes));  // atomic: temp file +
//   rename
#include <cstdint>
#include <string>
#include <vector>

namespace dign::data {

struct NpyArray {
  /// Element type without byte order: "u1", "i1", "u2", "i2", "u4", "i4", "u8", "i8", "f4", "f8".
  std::string dtype;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;  ///< C order, little-endian

  static NpyArray u1(std::vector<int64_t> shape, std::vector<uint8_t> data);
  int64_t elements() const;
  int item_size() const;
  /// Element i as an integer (integer dtypes only); for labels stored as u1, i4 or i8.
  int64_t integer_at(int64_t i) const;
};

/// What a .npy header says, checked against the file size.
struct NpyHeader {
  std::string dtype;  ///< as NpyArray::dtype
  std::vector<int64_t> shape;
  size_t data_offset = 0;  ///< where the C-order data begin
};

/// Parses and validates the header of a whole .npy file of `size` bytes (only the header
/// bytes are read, so `bytes` may be a memory map): the same checks as parse_npy.
NpyHeader parse_npy_header(const uint8_t* bytes, size_t size, const std::string& source);

/// Parses a whole .npy file held in memory. Refuses Fortran order, big-endian data, object
/// arrays, shapes whose size overflows, and data shorter or longer than the shape says.
NpyArray parse_npy(const uint8_t* bytes, size_t size, const std::string& source);
NpyArray read_npy(const std::string& path);

/// The file bytes (format 1.0, header padded to 64 bytes as NumPy writes it).
std::string encode_npy(const NpyArray& array);
/// Writes atomically (temporary name, fsync, rename).
void write_npy(const std::string& path, const NpyArray& array);

}  // namespace dign::data
