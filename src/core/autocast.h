#pragma once
// Mixed precision scope: under bf16 the forward passes run in bfloat16 via
// LibTorch autocast (weights stay fp32); fp32 leaves everything alone.
// Losses and probabilities are cast back to fp32 by their callers.
#include <ATen/autocast_mode.h>
#include <c10/core/Device.h>

#include "core/machine.h"

namespace dign {

class AutocastScope {
 public:
  AutocastScope(Precision precision, const c10::Device& device)
      : active_(precision == Precision::kBf16), cuda_(device.is_cuda()) {
    if (!active_) return;
    if (cuda_) {
      previous_ = at::autocast::is_enabled();
      at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
      at::autocast::set_enabled(true);
    } else {
      previous_ = at::autocast::is_cpu_enabled();
      at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
      at::autocast::set_cpu_enabled(true);
    }
  }
  ~AutocastScope() {
    if (!active_) return;
    if (cuda_) {
      at::autocast::set_enabled(previous_);
    } else {
      at::autocast::set_cpu_enabled(previous_);
    }
    at::autocast::clear_cache();
  }
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_, cuda_;
  bool previous_ = false;
};

}  // namespace dign
