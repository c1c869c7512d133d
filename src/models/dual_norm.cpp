#include "models/dual_norm.h"

namespace dign::models {

DualBatchNorm2dImpl::DualBatchNorm2dImpl(int64_t channels) {
  // The original's nn.ModuleList([BN, BN]): 'M' first, then 'A'.
  main_ = register_module("main", BatchNorm2d(channels));
  auxiliary_ = register_module("auxiliary", BatchNorm2d(channels));
}

torch::Tensor DualBatchNorm2dImpl::forward(const torch::Tensor& x) {
  return route_ == NormRoute::main ? main_(x) : auxiliary_(x);
}

DuBINImpl::DuBINImpl(int64_t channels) : instance_channels_(channels / 2) {
  // resnet_DuBIN.py:22-26: half = int(planes * 0.5), nn.InstanceNorm2d(half, affine=True)
  // (PyTorch's defaults otherwise: no running statistics, eps 1e-5), then the BatchNorms.
  if (instance_channels_ > 0) {
    instance_norm_ = register_module(
        "instance_norm", torch::nn::InstanceNorm2d(
                             torch::nn::InstanceNorm2dOptions(instance_channels_).affine(true)));
  }
  batch_norm_ = register_module("batch_norm", DualBatchNorm2d(channels - instance_channels_));
}

torch::Tensor DuBINImpl::forward(const torch::Tensor& x) {
  if (!instance_norm_) return batch_norm_(x);
  const int64_t rest = x.size(1) - instance_channels_;
  return torch::cat({instance_norm_(x.narrow(1, 0, instance_channels_)),
                     batch_norm_(x.narrow(1, instance_channels_, rest))},
                    1);
}

torch::nn::AnyModule make_norm(NormKind kind, int64_t channels) {
  switch (kind) {
    case NormKind::batch:
      return torch::nn::AnyModule(BatchNorm2d(channels));
    case NormKind::dual_batch:
      return torch::nn::AnyModule(DualBatchNorm2d(channels));
    case NormKind::dubin:
      return torch::nn::AnyModule(DuBIN(channels));
  }
  TORCH_INTERNAL_ASSERT(false, "make_norm: unknown NormKind");
}

namespace {

/// The dual layers under `module`, itself included (which need not be held by a shared_ptr:
/// modules() could not include it then).
std::vector<DualBatchNorm2dImpl*> dual_layers(torch::nn::Module& module) {
  std::vector<DualBatchNorm2dImpl*> layers;
  if (auto* self = module.as<DualBatchNorm2d>()) layers.push_back(self);
  for (const auto& m : module.modules(/*include_self=*/false)) {
    if (auto* dual = m->as<DualBatchNorm2d>()) layers.push_back(dual);
  }
  return layers;
}

}  // namespace

bool has_dual_norm(torch::nn::Module& module) {
  return !dual_layers(module).empty();
}

NormRouteGuard::NormRouteGuard(torch::nn::Module& module, NormRoute route) {
  for (auto* dual : dual_layers(module)) {
    previous_.emplace_back(dual, dual->route());
    dual->set_route(route);
  }
}

NormRouteGuard::~NormRouteGuard() {
  for (const auto& [dual, route] : previous_) dual->set_route(route);
}

}  // namespace dign::models
