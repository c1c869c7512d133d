#pragma once
// The data-parallel world a process belongs to, read from the environment contract of torchrun
// and of `dign launch`: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT, and torchrun's
// TORCHELASTIC_USE_AGENT_STORE / TORCHELASTIC_RESTART_COUNT. Neither RANK nor WORLD_SIZE set:
// a single process (nullopt). LibTorch-free.
//
//   const auto world = distributed::world_from_environment();   // std::getenv
//   if (world) { auto group = ProcessGroup::connect(*world, timeout); ... }
//   // tests: world_from(map_getter({{"RANK", "0"}, {"WORLD_SIZE", "2"}}))
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace dign::distributed {

struct WorldEnv {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;        ///< LOCAL_RANK, default: rank
  int local_world_size = 1;  ///< LOCAL_WORLD_SIZE (ranks on this machine), default: world_size
  std::string master_addr = "127.0.0.1";  ///< MASTER_ADDR, default 127.0.0.1
  int master_port = 29500;                ///< MASTER_PORT, default 29500 (torch's)
  /// TORCHELASTIC_USE_AGENT_STORE=True: torchrun's agent hosts the store, every rank is a client.
  bool agent_store = false;
  int restart_count = 0;  ///< TORCHELASTIC_RESTART_COUNT (the store prefix under the agent)
};

/// The value of a variable, or nullopt when it is not set.
using EnvGetter = std::function<std::optional<std::string>(const std::string&)>;

/// dign::Error, one line naming the variable, for bad input: only one of RANK and WORLD_SIZE,
/// a non-integer, RANK outside [0, WORLD_SIZE), WORLD_SIZE < 1, MASTER_PORT outside 1..65535.
std::optional<WorldEnv> world_from(const EnvGetter& get);
/// world_from(std::getenv).
std::optional<WorldEnv> world_from_environment();
/// A getter over a fixed map (tests).
EnvGetter map_getter(std::map<std::string, std::string> variables);

/// A TCP port free on 127.0.0.1 now (the kernel's choice), for a local rendezvous: `dign
/// launch` without MASTER_PORT, and the tests. dign::Error when no socket can be bound.
int free_loopback_port();

}  // namespace dign::distributed
