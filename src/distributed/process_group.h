#pragma once
// A data-parallel process group: c10d's TCPStore rendezvous and ProcessGroupGloo (NCCL for CUDA
// tensors where LibTorch has it), with a timeout on every collective.
//
// API (for the trainer, sync BatchNorm and sharded evaluation):
//   auto group = ProcessGroup::connect(*world_from_environment(), std::chrono::seconds(300));
//   group->rank(); group->size();
//   std::vector<at::Tensor> t{sums, counts};
//   group->all_reduce_sum(t);          // in place, SUM over ranks (same shapes/dtypes on every
//   rank) group->broadcast(t, /*root=*/0);   // in place, root's values everywhere auto all =
//   group->all_gather(x);   // [size] tensors, rank r's x at position r (same shape)
//   group->all_gather_bytes("...")     // variable-length strings (hashes, JSON): [size]
//   group->barrier();
// Every collective is blocking. A peer that died, hung beyond the timeout, or left disagrees:
// dign::distributed::PeerFailure (a dign::Error) with one line naming the operation and the
// rank when known. After a failure the group is unusable: let the error end the process.
// Tensors may be on the CPU (Gloo) or, with a NCCL build, CUDA; all of one call on one device.
#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>

#include "core/error.h"
#include "distributed/environment.h"

namespace dign::distributed {

/// A collective failed because a peer rank died, hung or diverged.
class PeerFailure : public Error {
 public:
  using Error::Error;
};

class ProcessGroup {
 public:
  /// Rendezvous at world.master_addr:master_port (rank 0 hosts the store unless torchrun's
  /// agent does). `timeout` bounds every collective; `rendezvous_timeout` (0: the same) how
  /// long the ranks wait for each other to start (processes start slowly on a loaded machine).
  static std::shared_ptr<ProcessGroup> connect(
      const WorldEnv& world, std::chrono::milliseconds timeout,
      std::chrono::milliseconds rendezvous_timeout = std::chrono::milliseconds(0));
  /// The command line's start-up wait: --dist-timeout, but at least a minute (a short
  /// collective timeout must not fail ranks that merely start a few seconds apart).
  static std::chrono::milliseconds rendezvous_timeout_for(double dist_timeout_seconds);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  /// In place: each tensor becomes the sum over ranks (each rank passes the same shapes).
  void all_reduce_sum(std::vector<at::Tensor>& tensors);
  /// In place: each tensor becomes rank `root`'s.
  void broadcast(std::vector<at::Tensor>& tensors, int root = 0);
  /// Every rank's `tensor` (same shape and dtype on every rank), indexed by rank.
  std::vector<at::Tensor> all_gather(const at::Tensor& tensor);
  /// Every rank's `bytes` (any length), indexed by rank.
  std::vector<std::string> all_gather_bytes(const std::string& bytes);
  void barrier();

 private:
  ProcessGroup();
  /// Runs a collective, turning c10d's exceptions into PeerFailure naming `operation`.
  template <typename F>
  void run(const char* operation, F&& collective);
  /// After a failure: the ranks that did not report to the store within a few seconds.
  std::string failed_ranks();
  c10d::ProcessGroup& backend_for(const std::vector<at::Tensor>& tensors);

  int rank_ = 0, size_ = 1;
  std::chrono::milliseconds timeout_{0};
  bool failed_ = false;
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::ProcessGroup> gloo_;
#ifdef USE_C10D_NCCL
  c10::intrusive_ptr<c10d::ProcessGroup> nccl_;
#endif
};

/// The tensors one after the other as one flat tensor (logical order), and back: the buckets
/// of gradient averaging and of mixed-shape collectives.
at::Tensor flatten(const std::vector<at::Tensor>& tensors);
void unflatten_into(const at::Tensor& flat, const std::vector<at::Tensor>& tensors);

}  // namespace dign::distributed
