#pragma once
// Where and how a command computes, resolved once from --threads, --device, --precision and
// --memory-format and the CPU, the same way for every command:
//
//   const Machine machine = resolve_machine(MachineOptions());   // threads set, bf16 on AMX
//   model->to(machine.device);
//   AutocastScope autocast(machine.precision, machine.device);
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <string>

#include "core/machine_options.h"

namespace dign {

/// The arithmetic of forward passes: fp32, or bf16 autocast with fp32 master weights.
enum class Precision { kFp32, kBf16 };

/// "fp32" / "bf16".
std::string precision_name(Precision precision);

struct Machine {
  int threads = 1;
  torch::Device device{torch::kCPU};
  Precision precision = Precision::kFp32;
  /// "contiguous" or "channels-last" (models/memory_format.h applies it).
  std::string memory_format = "contiguous";

  std::string device_name() const { return device.str(); }
  /// {"device", "precision", "memory_format", "threads"}: what reports and config.json record.
  nlohmann::json to_json() const;
};

/// What a report records about how it was computed: to_json() plus data_path, data_format,
/// dign_version, git_commit and libtorch_version. Commands add their own keys to it.
nlohmann::json provenance_json(const Machine& machine, const std::string& data_path,
                               const std::string& data_format);

/// Resolves `options` (and sets LibTorch's and OpenBLAS's threads). `precision`, when not
/// empty, replaces options.precision: a resumed run keeps the precision it started with.
Machine resolve_machine(const MachineOptions& options, const std::string& precision = "");

}  // namespace dign
