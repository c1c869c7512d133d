#include "run/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.h"

namespace dign::run {
namespace fs = std::filesystem;

std::string lock_holder_description() {
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) std::strcpy(host, "unknown");
  return detail::concat("host ", host, " pid ", ::getpid());
}

RunLock::RunLock(const std::string& dir) : path_((fs::path(dir) / "lock").string()) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  DIGN_CHECK(!ec, dir, ": cannot create the run directory (", ec.message(), ")");
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  DIGN_CHECK(fd_ >= 0, path_, ": cannot open the lock file (", std::strerror(errno), ")");
  // `dign experiment status` probes a run's lock by taking it for an instant: try again for a
  // moment before saying another run holds it.
  int rc = 0, err = 0;
  for (int attempt = 0; attempt < 25; ++attempt) {
    rc = ::flock(fd_, LOCK_EX | LOCK_NB);
    err = errno;
    if (rc == 0 || err != EWOULDBLOCK) break;
    ::usleep(10000);
  }
  if (rc != 0) {
    char holder[512] = {};
    const ssize_t n = ::pread(fd_, holder, sizeof(holder) - 1, 0);
    ::close(fd_);
    fd_ = -1;
    std::string who = n > 0 ? std::string(holder, static_cast<size_t>(n)) : "unknown holder";
    while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
    if (err == EWOULDBLOCK) {
      throw Error(detail::concat(dir, ": another dign run is using this directory (", who,
                                 ", lock ", path_, ")"));
    }
    throw Error(detail::concat(path_, ": cannot lock (", std::strerror(err), ")"));
  }
  const std::string me = lock_holder_description() + "\n";
  // Informational only: the flock, not the content, is the lock.
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd_, me.data(), me.size(), 0);
  }
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace dign::run
