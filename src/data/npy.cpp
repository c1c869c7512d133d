#include "data/npy.h"

#include <cstring>
#include <limits>
#include <map>

#include "core/error.h"
#include "core/file_io.h"

namespace dign::data {
namespace {

constexpr char kMagic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

const std::map<std::string, int>& item_sizes() {
  static const std::map<std::string, int> sizes = {{"u1", 1}, {"i1", 1}, {"b1", 1}, {"u2", 2},
                                                   {"i2", 2}, {"u4", 4}, {"i4", 4}, {"u8", 8},
                                                   {"i8", 8}, {"f4", 4}, {"f8", 8}};
  return sizes;
}

/// The value of 'key' in NumPy's header dict, a Python literal, as raw text.
std::string dict_value(const std::string& header, const std::string& key,
                       const std::string& source) {
  const std::string quoted = "'" + key + "'";
  const size_t at = header.find(quoted);
  DIGN_CHECK(at != std::string::npos, source, ": .npy header lacks '", key, "'");
  size_t pos = header.find(':', at + quoted.size());
  DIGN_CHECK(pos != std::string::npos, source, ": .npy header is malformed near '", key, "'");
  ++pos;
  while (pos < header.size() && header[pos] == ' ') ++pos;
  DIGN_CHECK(pos < header.size(), source, ": .npy header is malformed near '", key, "'");
  size_t end = pos;
  if (header[pos] == '(') {
    end = header.find(')', pos);
    DIGN_CHECK(end != std::string::npos, source, ": .npy shape is not closed");
    ++end;
  } else if (header[pos] == '\'') {
    end = header.find('\'', pos + 1);
    DIGN_CHECK(end != std::string::npos, source, ": .npy header has an unclosed string");
    ++end;
  } else {
    while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
  }
  return header.substr(pos, end - pos);
}

std::vector<int64_t> parse_shape(const std::string& text, const std::string& source) {
  // "(50000, 32, 32, 3)", "(5,)" or "()".
  std::vector<int64_t> shape;
  size_t pos = 1;
  while (pos < text.size() - 1) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == ',')) ++pos;
    if (pos >= text.size() - 1) break;
    DIGN_CHECK(text[pos] >= '0' && text[pos] <= '9', source, ": .npy shape ", text,
               " is not a tuple of non-negative integers");
    int64_t value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      DIGN_CHECK(value <= (std::numeric_limits<int64_t>::max() - 9) / 10, source,
                 ": .npy shape dimension is too large");
      value = value * 10 + (text[pos] - '0');
      ++pos;
    }
    shape.push_back(value);
    DIGN_CHECK(shape.size() <= 32, source, ": .npy shape has more than 32 dimensions");
  }
  return shape;
}

}  // namespace

NpyArray NpyArray::u1(std::vector<int64_t> shape, std::vector<uint8_t> data) {
  NpyArray a;
  a.dtype = "u1";
  a.shape = std::move(shape);
  a.data = std::move(data);
  DIGN_CHECK(static_cast<int64_t>(a.data.size()) == a.elements(), "npy: ", a.data.size(),
             " bytes for ", a.elements(), " elements");
  return a;
}

int64_t NpyArray::elements() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

int NpyArray::item_size() const {
  return item_sizes().at(dtype);
}

int64_t NpyArray::integer_at(int64_t i) const {
  DIGN_CHECK(i >= 0 && i < elements(), "npy: index ", i, " out of range");
  const uint8_t* p = data.data() + i * item_size();
  auto load = [p](auto value) {
    std::memcpy(&value, p, sizeof(value));
    return static_cast<int64_t>(value);
  };
  if (dtype == "u1") return load(uint8_t{});
  if (dtype == "i1") return load(int8_t{});
  if (dtype == "u2") return load(uint16_t{});
  if (dtype == "i2") return load(int16_t{});
  if (dtype == "u4") return load(uint32_t{});
  if (dtype == "i4") return load(int32_t{});
  if (dtype == "i8") return load(int64_t{});
  throw Error("npy: integer_at on dtype " + dtype);
}

NpyHeader parse_npy_header(const uint8_t* bytes, size_t size, const std::string& source) {
  DIGN_CHECK(size >= 10 && std::memcmp(bytes, kMagic, 6) == 0, source,
             ": not a .npy file (bad magic)");
  const int major = bytes[6];
  DIGN_CHECK(major >= 1 && major <= 3, source, ": .npy format version ", major, ".", +bytes[7],
             " is not supported (1.0 to 3.0)");
  size_t header_len = 0, pos = 0;
  if (major == 1) {
    header_len = static_cast<size_t>(bytes[8]) | static_cast<size_t>(bytes[9]) << 8;
    pos = 10;
  } else {
    DIGN_CHECK(size >= 12, source, ": .npy file is truncated");
    header_len = static_cast<size_t>(bytes[8]) | static_cast<size_t>(bytes[9]) << 8 |
                 static_cast<size_t>(bytes[10]) << 16 | static_cast<size_t>(bytes[11]) << 24;
    pos = 12;
  }
  DIGN_CHECK(header_len <= size - pos, source, ": .npy header (", header_len,
             " bytes) runs past the end of the file");
  const std::string header(reinterpret_cast<const char*>(bytes + pos), header_len);
  pos += header_len;

  NpyHeader a;
  a.data_offset = pos;
  const std::string descr = dict_value(header, "descr", source);
  DIGN_CHECK(descr.size() == 5 && descr.front() == '\'' && descr.back() == '\'', source,
             ": .npy descr ", descr, " is not a simple type");
  const char order = descr[1];
  a.dtype = descr.substr(2, 2);
  DIGN_CHECK(item_sizes().count(a.dtype), source, ": .npy element type ", descr,
             " is not supported");
  const int item_size = item_sizes().at(a.dtype);
  DIGN_CHECK(order == '<' || order == '|' || (order == '=' && item_size == 1), source,
             ": .npy data is big-endian (", descr, "); only little-endian is supported");
  DIGN_CHECK(dict_value(header, "fortran_order", source) == "False", source,
             ": .npy data in Fortran order is not supported");
  const std::string shape_text = dict_value(header, "shape", source);
  DIGN_CHECK(shape_text.size() >= 2 && shape_text.front() == '(' && shape_text.back() == ')',
             source, ": .npy shape ", shape_text, " is not a tuple");
  a.shape = parse_shape(shape_text, source);
  // Size of the data, refusing overflow before comparing with the bytes present.
  const size_t available = size - pos;
  size_t expected = static_cast<size_t>(item_size);
  for (int64_t d : a.shape) {
    if (d != 0 && expected > available / static_cast<size_t>(d)) {
      throw Error(detail::concat(source, ": .npy shape ", shape_text, " needs more than the ",
                                 available, " data bytes present (truncated?)"));
    }
    expected *= static_cast<size_t>(d);
  }
  DIGN_CHECK(expected == available, source, ": .npy shape ", shape_text, " needs ", expected,
             " data bytes but the file holds ", available,
             expected > available ? " (truncated)" : "");
  return a;
}

NpyArray parse_npy(const uint8_t* bytes, size_t size, const std::string& source) {
  const NpyHeader header = parse_npy_header(bytes, size, source);
  NpyArray a;
  a.dtype = header.dtype;
  a.shape = header.shape;
  a.data.assign(bytes + header.data_offset, bytes + size);
  return a;
}

NpyArray read_npy(const std::string& path) {
  const auto bytes = read_file(path);
  return parse_npy(bytes.data(), bytes.size(), path);
}

std::string encode_npy(const NpyArray& a) {
  DIGN_CHECK(item_sizes().count(a.dtype), "npy: unsupported dtype ", a.dtype);
  DIGN_CHECK(static_cast<int64_t>(a.data.size()) == a.elements() * a.item_size(),
             "npy: data size disagrees with the shape");
  std::string shape = "(";
  for (size_t i = 0; i < a.shape.size(); ++i) {
    shape += std::to_string(a.shape[i]) + (a.shape.size() == 1 ? "," : "");
    if (i + 1 < a.shape.size()) shape += ", ";
  }
  shape += ")";
  const char order = a.item_size() == 1 ? '|' : '<';
  std::string header = std::string("{'descr': '") + order + a.dtype +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces and end with '\n' so that the data starts at a multiple of 64 bytes.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  DIGN_CHECK(header.size() <= 65535, "npy: header too long for format 1.0");
  std::string out(kMagic, sizeof(kMagic));
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  out.append(reinterpret_cast<const char*>(a.data.data()), a.data.size());
  return out;
}

void write_npy(const std::string& path, const NpyArray& array) {
  write_file_atomic(path, encode_npy(array));
}

}  // namespace dign::data
