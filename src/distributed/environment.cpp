#include "distributed/environment.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <utility>

#include "core/error.h"

namespace dign::distributed {
namespace {

/// The integer value of `name`, or nullopt when unset; dign::Error naming it when not an integer.
std::optional<int64_t> integer(const EnvGetter& get, const std::string& name) {
  const auto text = get(name);
  if (!text) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(text->c_str(), &end, 10);
  DIGN_CHECK(!text->empty() && end == text->c_str() + text->size() && errno == 0 &&
                 value >= std::numeric_limits<int>::min() &&
                 value <= std::numeric_limits<int>::max(),
             "environment variable ", name, "='", *text, "': expected an integer");
  return value;
}

}  // namespace

std::optional<WorldEnv> world_from(const EnvGetter& get) {
  const auto rank = integer(get, "RANK");
  const auto world = integer(get, "WORLD_SIZE");
  if (!rank && !world) return std::nullopt;
  DIGN_CHECK(rank, "environment variable RANK is not set but WORLD_SIZE=", *world,
             " is: a launcher sets both (torchrun, dign launch)");
  DIGN_CHECK(world, "environment variable WORLD_SIZE is not set but RANK=", *rank,
             " is: a launcher sets both (torchrun, dign launch)");
  DIGN_CHECK(*world >= 1, "environment variable WORLD_SIZE=", *world, ": expected at least 1");
  DIGN_CHECK(*rank >= 0 && *rank < *world, "environment variable RANK=", *rank,
             ": expected 0 to WORLD_SIZE - 1 = ", *world - 1);
  WorldEnv w;
  w.rank = static_cast<int>(*rank);
  w.world_size = static_cast<int>(*world);
  w.local_rank = static_cast<int>(integer(get, "LOCAL_RANK").value_or(*rank));
  DIGN_CHECK(w.local_rank >= 0, "environment variable LOCAL_RANK=", w.local_rank,
             ": expected at least 0");
  w.local_world_size = static_cast<int>(integer(get, "LOCAL_WORLD_SIZE").value_or(*world));
  DIGN_CHECK(w.local_world_size >= 1, "environment variable LOCAL_WORLD_SIZE=", w.local_world_size,
             ": expected at least 1");
  if (const auto addr = get("MASTER_ADDR")) {
    DIGN_CHECK(!addr->empty(), "environment variable MASTER_ADDR is empty: expected a host name");
    w.master_addr = *addr;
  }
  if (const auto port_text = get("MASTER_PORT")) {
    char* end = nullptr;
    errno = 0;
    const long long port = std::strtoll(port_text->c_str(), &end, 10);
    DIGN_CHECK(!port_text->empty() && end == port_text->c_str() + port_text->size() && errno == 0 &&
                   port >= 1 && port <= 65535,
               "environment variable MASTER_PORT='", *port_text,
               "': expected a TCP port, 1 to 65535");
    w.master_port = static_cast<int>(port);
  }
  if (const auto agent = get("TORCHELASTIC_USE_AGENT_STORE")) {
    // Python's rendezvous compares with the string "True".
    w.agent_store = *agent == "True" || *agent == "true" || *agent == "1";
  }
  w.restart_count = static_cast<int>(integer(get, "TORCHELASTIC_RESTART_COUNT").value_or(0));
  DIGN_CHECK(w.restart_count >= 0,
             "environment variable TORCHELASTIC_RESTART_COUNT=", w.restart_count,
             ": expected at least 0");
  return w;
}

std::optional<WorldEnv> world_from_environment() {
  return world_from([](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  });
}

EnvGetter map_getter(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
    const auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  DIGN_CHECK(fd >= 0, "cannot open a socket to find a free port on 127.0.0.1");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  DIGN_CHECK(ok, "cannot find a free port on 127.0.0.1; give MASTER_PORT (or --master-port)");
  return ntohs(addr.sin_port);
}

}  // namespace dign::distributed
