#include "core/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/fault.h"

namespace dign {
namespace fs = std::filesystem;

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  DIGN_CHECK(in.good(), path, ": cannot open for reading (", std::strerror(errno), ")");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  DIGN_CHECK(size >= 0, path, ": cannot determine file size");
  in.seekg(0, std::ios::beg);
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  if (size > 0) in.read(reinterpret_cast<char*>(bytes.data()), size);
  DIGN_CHECK(in.good() || (size == 0), path, ": read failed after ", in.gcount(), " of ", size,
             " bytes");
  return bytes;
}

std::string read_text_file(const std::string& path) {
  const auto bytes = read_file(path);
  return std::string(bytes.begin(), bytes.end());
}

namespace {
void fsync_directory(const fs::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}
}  // namespace

void write_file_atomic(const std::string& path, const void* bytes, size_t size) {
  const fs::path target(path);
  const fs::path dir = target.parent_path();
  std::string tmp = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data());
  DIGN_CHECK(fd >= 0, path, ": cannot create a temporary file beside it (", std::strerror(errno),
             ")");
  auto fail = [&](const char* what) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw Error(detail::concat(path, ": ", what, " failed (", std::strerror(err),
                               "); the previous version, if any, is untouched"));
  };
  auto write_all = [&](const char* p, size_t left) {
    while (left > 0) {
      const ssize_t n = ::write(fd, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        fail("write");
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
  };
  const char* data = static_cast<const char*>(bytes);
  write_all(data, size / 2);
  kill_point("write");  // reliability tests: a crash with the temporary file half-written
  write_all(data + size / 2, size - size / 2);
  if (::fchmod(fd, 0644) != 0) fail("chmod");
  if (::fsync(fd) != 0) fail("fsync");
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error(detail::concat(path, ": close failed (", std::strerror(err), ")"));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error(detail::concat(path, ": rename failed (", std::strerror(err), ")"));
  }
  fsync_directory(dir);
}

void write_file_atomic(const std::string& path, const std::string& text) {
  write_file_atomic(path, text.data(), text.size());
}

}  // namespace dign
