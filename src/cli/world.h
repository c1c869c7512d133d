#pragma once
// The data-parallel side shared by the commands that run under torchrun or `dign launch`
// (train, eval, landscape): the --dist-timeout flag and joining the launcher's world.
//
//   add_dist_timeout_option(*cmd, *timeout, "the evaluation");
//   auto group = join_world_from_environment(*timeout);  // null: one process
#include <CLI/CLI.hpp>

#include <memory>

#include "distributed/environment.h"
#include "distributed/process_group.h"

namespace dign::cli {

/// --dist-timeout (seconds, default 300 in `seconds`): how long a collective waits for the
/// other ranks before `what` fails.
void add_dist_timeout_option(CLI::App& command, double& seconds, const std::string& what);

/// This rank's process group in `world`: collectives time out after `timeout_seconds`, the
/// rendezvous after max(timeout, 60 s) (ProcessGroup::rendezvous_timeout_for).
std::shared_ptr<distributed::ProcessGroup> join_world(const distributed::WorldEnv& world,
                                                      double timeout_seconds);

/// join_world for the launcher's environment (RANK, WORLD_SIZE, ...) when it names more than
/// one rank; null otherwise.
std::shared_ptr<distributed::ProcessGroup> join_world_from_environment(double timeout_seconds);

}  // namespace dign::cli
