#include "data/npy.h"

#include <gtest/gtest.h>

#include "core/file_io.h"
#include "test_util.h"

namespace dign::data {
namespace {
using testing::contains;
using testing::error_of;

// np.save of np.arange(5, dtype=np.uint8) with NumPy 1.24: header padded to 128 bytes.
std::string numpy_header(const std::string& dict) {
  std::string header = dict;
  header.append(117 - dict.size(), ' ');
  header += '\n';
  return std::string("\x93NUMPY\x01\x00", 8) + "v" + std::string(1, '\0') + header;
}

std::vector<uint8_t> bytes_of(const std::string& s) {
  return {s.begin(), s.end()};
}

NpyArray parse(const std::string& s) {
  const auto b = bytes_of(s);
  return parse_npy(b.data(), b.size(), "t.npy");
}

TEST(Npy, EncodesExactlyAsNumpySaves) {
  const std::string expected =
      numpy_header("{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }") +
      std::string("\x00\x01\x02\x03\x04", 5);
  EXPECT_EQ(encode_npy(NpyArray::u1({5}, {0, 1, 2, 3, 4})), expected);
  const std::string image =
      numpy_header("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2, 2, 3), }") +
      std::string(24, '\0');
  EXPECT_EQ(encode_npy(NpyArray::u1({2, 2, 2, 3}, std::vector<uint8_t>(24, 0))), image);
}

TEST(Npy, ParsesNumpyFilesOfSeveralTypesAndVersions) {
  const auto a = parse(numpy_header("{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }") +
                       std::string("\x00\x01\x02\x03\x04", 5));
  EXPECT_EQ(a.dtype, "u1");
  EXPECT_EQ(a.shape, (std::vector<int64_t>{5}));
  EXPECT_EQ(a.integer_at(4), 4);
  // int64 labels, as some CIFAR-10-C copies store them.
  const auto b = parse(numpy_header("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }") +
                       std::string("\x01\0\0\0\0\0\0\0\xfe\xff\xff\xff\xff\xff\xff\xff", 16));
  EXPECT_EQ(b.integer_at(0), 1);
  EXPECT_EQ(b.integer_at(1), -2);
  // Format 2.0: a 4-byte header length.
  const std::string dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }\n";
  std::string v2 = std::string("\x93NUMPY\x02\x00", 8);
  v2 += static_cast<char>(dict.size());
  v2 += std::string(3, '\0');
  v2 += dict + "abc";
  EXPECT_EQ(parse(v2).integer_at(2), 'c');
  // A scalar: shape ().
  EXPECT_EQ(parse(numpy_header("{'descr': '|u1', 'fortran_order': False, 'shape': (), }") + "z")
                .elements(),
            1);
}

TEST(Npy, WriteReadRoundTripIsAtomic) {
  testing::TempDir dir;
  std::vector<uint8_t> pixels(2 * 32 * 32 * 3);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 7);
  write_npy(dir.str("x.npy"), NpyArray::u1({2, 32, 32, 3}, pixels));
  const auto back = read_npy(dir.str("x.npy"));
  EXPECT_EQ(back.shape, (std::vector<int64_t>{2, 32, 32, 3}));
  EXPECT_EQ(back.data, pixels);
}

TEST(Npy, MalformedFilesAreOneLineErrorsNamingTheFile) {
  const std::string ok_header =
      numpy_header("{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"NUMPY", "bad magic"},
      {ok_header + "abc", "truncated"},
      {ok_header + "abcdefg", "holds 7"},
      {numpy_header("{'descr': '|u1', 'fortran_order': True, 'shape': (5,), }") + "abcde",
       "Fortran"},
      {numpy_header("{'descr': '>i8', 'fortran_order': False, 'shape': (1,), }") +
           std::string(8, 'x'),
       "big-endian"},
      {numpy_header("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }") + "x", "descr"},
      {numpy_header("{'descr': '|u1', 'fortran_order': False, 'shape': (99999999999, "
                    "99999999999, 99999999999), }"),
       "needs more"},
      {numpy_header("{'descr': '|u1', 'fortran_order': False, 'shape': (-5,), }"), "integers"},
      {numpy_header("{'descr': '|u1', 'fortran_order': False, }"), "lacks 'shape'"},
      {std::string("\x93NUMPY\x01\x00\xff\xff", 10) + "{}", "past the end"},
      {std::string("\x93NUMPY\x07\x00\x00\x00", 10), "version 7"},
  };
  for (const auto& [bytes, expected] : cases) {
    const std::string& input = bytes;  // C++17 lambdas cannot capture structured bindings
    const auto message = error_of([&] { parse(input); });
    EXPECT_TRUE(contains(message, "t.npy")) << message;
    EXPECT_TRUE(contains(message, expected)) << expected << " vs " << message;
  }
}

}  // namespace
}  // namespace dign::data
