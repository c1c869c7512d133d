#pragma once
// A read-only memory map of a whole file: CIFAR-10-C's arrays (150 MB each) are
// read batch by batch without loading them, so evaluation memory does not grow
// with the number of corrupted images.
#include <cstddef>
#include <cstdint>
#include <string>

namespace dign {

class MappedFile {
 public:
  /// dign::Error naming the file when it cannot be opened or mapped.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace dign
