#include "distributed/process_group.h"

#include <algorithm>

#include <fmt/format.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <cstdlib>
#include <future>
#include <map>
#include <thread>

namespace dign::distributed {
namespace {

/// The first line of an exception's message, without c10's backtrace.
std::string first_line(const std::exception& e) {
  const auto* c10_error = dynamic_cast<const c10::Error*>(&e);
  std::string text = c10_error ? c10_error->what_without_backtrace() : e.what();
  const auto end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

std::string seconds(std::chrono::milliseconds t) {
  return fmt::format("{:g} s", static_cast<double>(t.count()) / 1000.0);
}

bool loopback(const std::string& addr) {
  return addr == "localhost" || addr.rfind("127.", 0) == 0 || addr == "::1";
}

/// Gloo's network device: GLOO_SOCKET_IFNAME as in Python, loopback for a local world, else the
/// address this host's name resolves to (c10d's default). Gloo refuses an empty device list.
std::shared_ptr<::gloo::transport::Device> gloo_device(const WorldEnv& world) {
  if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname) {
    return c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
  }
  if (loopback(world.master_addr)) {
    return c10d::ProcessGroupGloo::createDeviceForHostname(world.master_addr);
  }
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

}  // namespace

at::Tensor flatten(const std::vector<at::Tensor>& tensors) {
  std::vector<at::Tensor> flat;
  flat.reserve(tensors.size());
  for (const auto& t : tensors) flat.push_back(t.reshape(-1));
  return torch::cat(flat);
}

void unflatten_into(const at::Tensor& flat, const std::vector<at::Tensor>& tensors) {
  int64_t offset = 0;
  for (const auto& t : tensors) {
    const int64_t n = t.numel();
    t.copy_(flat.narrow(0, offset, n).view(t.sizes()));
    offset += n;
  }
}

ProcessGroup::ProcessGroup() = default;
ProcessGroup::~ProcessGroup() = default;

std::chrono::milliseconds ProcessGroup::rendezvous_timeout_for(double dist_timeout_seconds) {
  return std::chrono::milliseconds(
      static_cast<int64_t>(std::max(dist_timeout_seconds, 60.0) * 1000));
}

std::shared_ptr<ProcessGroup> ProcessGroup::connect(const WorldEnv& world,
                                                    std::chrono::milliseconds timeout,
                                                    std::chrono::milliseconds rendezvous_timeout) {
  DIGN_CHECK(timeout.count() > 0, "--dist-timeout: expected a positive number of seconds");
  if (rendezvous_timeout.count() <= 0) rendezvous_timeout = timeout;
  std::shared_ptr<ProcessGroup> group(new ProcessGroup());
  group->rank_ = world.rank;
  group->size_ = world.world_size;
  group->timeout_ = timeout;
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(world.master_port);
    // Under torchrun's agent the agent hosts the store (a second server fails with "Address
    // already in use") and every rank is a client, under the prefix Python's rendezvous uses.
    so.isServer = world.rank == 0 && !world.agent_store;
    // Every rank counts itself in (a client without numWorkers does not, and the host then
    // waits out the whole timeout).
    so.numWorkers = static_cast<std::size_t>(world.world_size);
    so.waitWorkers = !world.agent_store;
    so.timeout = rendezvous_timeout;
    c10::intrusive_ptr<c10d::Store> store =
        c10::make_intrusive<c10d::TCPStore>(world.master_addr, so);
    if (world.agent_store) {
      store = c10::make_intrusive<c10d::PrefixStore>(
          "/worker/attempt_" + std::to_string(world.restart_count), store);
    }
    group->store_ = store;
    // c10d's default collective timeout is 30 minutes; a hung peer is only noticed through it.
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    options->devices.push_back(gloo_device(world));
    group->gloo_ = c10::make_intrusive<c10d::ProcessGroupGloo>(
        c10::make_intrusive<c10d::PrefixStore>("dign/gloo", store), world.rank, world.world_size,
        options);
#ifdef USE_C10D_NCCL
    auto nccl_options = c10d::ProcessGroupNCCL::Options::create();
    nccl_options->timeout = timeout;
    group->nccl_ = c10::make_intrusive<c10d::ProcessGroupNCCL>(
        c10::make_intrusive<c10d::PrefixStore>("dign/nccl", store), world.rank, world.world_size,
        nccl_options);
#endif
  } catch (const std::exception& e) {
    throw PeerFailure(
        fmt::format("distributed rendezvous at {}:{} failed (rank {} of {}, waited up to {}): {}",
                    world.master_addr, world.master_port, world.rank, world.world_size,
                    seconds(rendezvous_timeout), first_line(e)));
  }
  return group;
}

c10d::ProcessGroup& ProcessGroup::backend_for(const std::vector<at::Tensor>& tensors) {
#ifdef USE_C10D_NCCL
  if (!tensors.empty() && tensors.front().is_cuda()) return *nccl_;
#else
  (void)tensors;
#endif
  return *gloo_;
}

std::string ProcessGroup::failed_ranks() {
  // Every surviving rank registers in the store and looks for the others for a short window:
  // those missing died or hang. In a thread, because a stopped store host never answers.
  const auto window = std::min(timeout_, std::chrono::milliseconds(3000));
  auto store = store_;
  const int rank = rank_, size = size_;
  auto result = std::make_shared<std::promise<std::string>>();
  auto answer = result->get_future();
  std::thread([store, rank, size, window, result] {
    try {
      store->set(fmt::format("dign/alive/{}", rank), std::vector<uint8_t>{1});
      const auto deadline = std::chrono::steady_clock::now() + window;
      std::vector<int> missing;
      do {
        missing.clear();
        for (int r = 0; r < size; ++r) {
          if (!store->check({fmt::format("dign/alive/{}", r)})) missing.push_back(r);
        }
        if (missing.empty()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      } while (std::chrono::steady_clock::now() < deadline);
      // The store host stays a moment, so that slower survivors can still look.
      if (rank == 0) std::this_thread::sleep_until(deadline);
      result->set_value(missing.empty() ? std::string("no rank (all still answer)")
                                        : fmt::format("rank {}", fmt::join(missing, ", rank ")));
    } catch (const std::exception&) {
      result->set_value("rank 0 (the rendezvous store does not answer)");
    }
  }).detach();
  if (answer.wait_for(window + std::chrono::milliseconds(1000)) != std::future_status::ready) {
    return "rank 0 (the rendezvous store does not answer)";
  }
  return answer.get();
}

template <typename F>
void ProcessGroup::run(const char* operation, F&& collective) {
  DIGN_CHECK(!failed_, "distributed ", operation, ": the process group already failed");
  try {
    collective()->wait();
  } catch (const std::exception& e) {
    failed_ = true;
    const std::string cause = first_line(e);
    throw PeerFailure(
        fmt::format("distributed {} failed on rank {} of {}: {} died or did not answer within "
                    "--dist-timeout {} ({})",
                    operation, rank_, size_, failed_ranks(), seconds(timeout_), cause));
  }
}

void ProcessGroup::all_reduce_sum(std::vector<at::Tensor>& tensors) {
  if (tensors.empty()) return;
  auto& backend = backend_for(tensors);
  if (tensors.size() == 1 && tensors[0].is_contiguous()) {
    run("all-reduce", [&] { return backend.allreduce(tensors); });
    return;
  }
  // Gloo reduces several tensors of one call into one another: they must match. Any mix of
  // shapes travels as one flat tensor per dtype instead.
  torch::NoGradGuard no_grad;
  std::map<int, std::vector<at::Tensor>> by_dtype;
  for (const auto& t : tensors) by_dtype[static_cast<int>(t.scalar_type())].push_back(t);
  for (auto& entry : by_dtype) {
    std::vector<at::Tensor> flat{flatten(entry.second)};
    run("all-reduce", [&] { return backend.allreduce(flat); });
    unflatten_into(flat[0], entry.second);
  }
}

void ProcessGroup::broadcast(std::vector<at::Tensor>& tensors, int root) {
  if (tensors.empty()) return;
  auto& backend = backend_for(tensors);
  c10d::BroadcastOptions options;
  options.rootRank = root;
  run("broadcast", [&] { return backend.broadcast(tensors, options); });
}

std::vector<at::Tensor> ProcessGroup::all_gather(const at::Tensor& tensor) {
  std::vector<at::Tensor> input{tensor.contiguous()};
  std::vector<std::vector<at::Tensor>> output(1);
  for (int r = 0; r < size_; ++r) output[0].push_back(torch::empty_like(input[0]));
  auto& backend = backend_for(input);
  run("all-gather", [&] { return backend.allgather(output, input); });
  return output[0];
}

std::vector<std::string> ProcessGroup::all_gather_bytes(const std::string& bytes) {
  const auto lengths = all_gather(torch::tensor({static_cast<int64_t>(bytes.size())}));
  int64_t longest = 0;
  for (const auto& l : lengths) longest = std::max(longest, l.item<int64_t>());
  auto padded = torch::zeros({std::max<int64_t>(longest, 1)}, torch::kUInt8);
  std::copy(bytes.begin(), bytes.end(), padded.data_ptr<uint8_t>());
  const auto all = all_gather(padded);
  std::vector<std::string> out;
  for (int r = 0; r < size_; ++r) {
    const auto* p = reinterpret_cast<const char*>(all[r].data_ptr<uint8_t>());
    out.emplace_back(p, p + lengths[r].item<int64_t>());
  }
  return out;
}

void ProcessGroup::barrier() {
  run("barrier", [&] { return gloo_->barrier(); });
}

}  // namespace dign::distributed
