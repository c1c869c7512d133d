#pragma once
// A dign model as a TorchScript module that Python runs with torch.jit.load(FILE)(x). C++ cannot
// script a torch::nn module, so each module of the network is rebuilt as a torch::jit::Module
// holding the same tensors under the same names, with its forward pass written as TorchScript
// source and compiled (Module::define). The modules covered: Conv2d, BatchNorm2d, InstanceNorm2d,
// Linear, Sequential, dign's Normalize, AugMax's DualBatchNorm2d and DuBIN (dual_norm.h: the main
// route, evaluation's), and the blocks and networks of ResNet-18 (--norm bn or dubin),
// Wide-ResNet-18, ResNet-50 and DenseNet-121. Anything else is a one-line error naming the
// covered architectures.
//
//   torch::jit::Module scripted = to_torchscript(*model);   // model in eval mode
//   std::vector<uint8_t> bytes = torchscript_bytes(scripted, record_json);
#include <torch/script.h>
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace dign::models {

/// The architectures to_torchscript covers: "resnet18, wrn18, densenet121, resnet50".
std::string torchscript_architectures();

/// `model` (a dign classifier) as a TorchScript module computing the same logits from the same
/// input ([N,3,H,W] in [0,1]; the normalization stays inside). Parameters and buffers are shared
/// with `model`, not copied; its training mode comes along. dign::Error naming the module type
/// the exporter has no TorchScript definition for.
torch::jit::Module to_torchscript(torch::nn::Module& model);

/// The TorchScript archive (what torch.jit.save writes) of `module`, with `dign_record` stored
/// as its extra file dign_model.json.
std::vector<uint8_t> torchscript_bytes(const torch::jit::Module& module,
                                       const std::string& dign_record);

}  // namespace dign::models
