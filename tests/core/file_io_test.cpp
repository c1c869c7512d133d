#include "core/file_io.h"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <csignal>
#include <filesystem>

#include "test_util.h"

namespace dign {
namespace {
using testing::contains;
using testing::error_of;
using testing::TempDir;

TEST(FileIo, AtomicWriteReplacesAndLeavesNoTemporaries) {
  TempDir dir;
  const std::string path = dir.str("a.json");
  write_file_atomic(path, std::string("first"));
  write_file_atomic(path, std::string("second version"));
  EXPECT_EQ(read_text_file(path), "second version");
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path()))
    ++files;
  EXPECT_EQ(files, 1);
}

TEST(FileIo, FailedWriteNamesTheFile) {
  TempDir dir;
  const std::string path = dir.str("missing-dir/a.json");
  const auto message = error_of([&] { write_file_atomic(path, std::string("x")); });
  EXPECT_TRUE(contains(message, path)) << message;
}

TEST(FileIo, FailedWriteKeepsThePreviousVersion) {
  TempDir dir;
  const std::string path = dir.str("a.json");
  write_file_atomic(path, std::string("good"));
  // A file-size limit makes the write fail with EFBIG (SIGXFSZ ignored), as a full disk would.
  struct rlimit old_limit;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old_limit;
  small.rlim_cur = 2;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  const auto message =
      error_of([&] { write_file_atomic(path, std::string("a much longer replacement")); });
  setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_TRUE(contains(message, path)) << message;
  EXPECT_EQ(read_text_file(path), "good");
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path()))
    ++files;
  EXPECT_EQ(files, 1);  // the temporary was removed
}

TEST(FileIo, ReadMissingFileNamesIt) {
  TempDir dir;
  const auto message = error_of([&] { read_file(dir.str("nope.bin")); });
  EXPECT_TRUE(contains(message, "nope.bin")) << message;
}

}  // namespace
}  // namespace dign
