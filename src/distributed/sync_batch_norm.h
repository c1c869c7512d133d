#pragma once
// Synchronised BatchNorm (--sync-bn): BatchNorm2d whose training-mode statistics are those of
// the union of every rank's batch, so N ranks x B/N images normalise as one process x B does.
// LibTorch has no SyncBatchNorm (and no CPU kernel for the ATen helpers PyTorch's uses), so this
// is a custom autograd function: forward all-reduces the per-channel [sum x, sum x^2] and the
// count, backward the per-channel [sum dy, sum dy * xhat] (Ioffe & Szegedy 2015's gradient with
// the sums taken over all ranks). Weight and bias gradients stay per rank (the local sums), as
// in PyTorch: the data-parallel gradient all-reduce adds them up like any other gradient.
//
//   auto group = ProcessGroup::connect(world, timeout);
//   enable_sync_batch_norm(*model, group.get());  // no-op for one rank; throws without BatchNorm
//   model->train(); auto logits = model->forward(images);   // statistics over every rank
//
// Every rank must call forward and backward of the same layers in the same order (as for any
// collective). In eval mode the layers are LibTorch's BatchNorm (running statistics).
#include <torch/torch.h>

#include <functional>

namespace dign::distributed {

class ProcessGroup;

/// Sums `t` (contiguous, CPU) in place over the ranks; ProcessGroup::all_reduce_sum in
/// training, a fake in tests.
using AllReduceSum = std::function<void(torch::Tensor& t)>;

/// BatchNorm's training-mode forward over the ranks' union batch: x [N, C, H, W] (any float
/// type; statistics in double, output in x's type) -> [N, C, H, W]. weight/bias [C] or
/// undefined (not affine); running_mean/running_var [C] or undefined (not tracked) are updated
/// in place with `momentum` as torch::nn::BatchNorm2d does (running_var with the unbiased
/// variance over the union batch). Differentiable in x, weight and bias.
torch::Tensor sync_batch_norm(const torch::Tensor& x, const torch::Tensor& weight,
                              const torch::Tensor& bias, const torch::Tensor& running_mean,
                              const torch::Tensor& running_var, double momentum, double eps,
                              const AllReduceSum& all_reduce);

/// The same for a module: its options, parameters and buffers (num_batches_tracked counts the
/// step; no momentum = cumulative average, as LibTorch).
torch::Tensor sync_batch_norm(torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x,
                              const AllReduceSum& all_reduce);

/// Makes every BatchNorm of `model` (models::BatchNorm2d, the layers of every convolutional
/// architecture) synchronise its statistics through `all_reduce`; returns how many layers.
/// Throws dign::Error naming --sync-bn when the model has no BatchNorm, or one that is not a
/// models::BatchNorm2d (a TorchScript model).
int64_t enable_sync_batch_norm(torch::nn::Module& model, AllReduceSum all_reduce);

/// Through `group` when it has more than one rank (the group must outlive the model's use);
/// with one rank or none (null) only the model is checked (--sync-bn without BatchNorm is an error
/// whatever the world size).
int64_t enable_sync_batch_norm(torch::nn::Module& model, ProcessGroup* group);

/// Restores LibTorch's forward in every models::BatchNorm2d of `model`.
void disable_sync_batch_norm(torch::nn::Module& model);

}  // namespace dign::distributed
