#include "cli/world.h"

#include <chrono>

namespace dign::cli {

void add_dist_timeout_option(CLI::App& command, double& seconds, const std::string& what) {
  command
      .add_option("--dist-timeout", seconds,
                  "Under torchrun or dign launch: seconds a collective waits for the other ranks "
                  "before " +
                      what + " fails (the ranks wait at least 60 s for each other to start)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

std::shared_ptr<distributed::ProcessGroup> join_world(const distributed::WorldEnv& world,
                                                      double timeout_seconds) {
  return distributed::ProcessGroup::connect(
      world, std::chrono::milliseconds(static_cast<int64_t>(timeout_seconds * 1000)),
      distributed::ProcessGroup::rendezvous_timeout_for(timeout_seconds));
}

std::shared_ptr<distributed::ProcessGroup> join_world_from_environment(double timeout_seconds) {
  const auto world = distributed::world_from_environment();
  if (!world || world->world_size <= 1) return nullptr;
  return join_world(*world, timeout_seconds);
}

}  // namespace dign::cli
