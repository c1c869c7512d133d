#pragma once
// The architectures dign can build, by name. LibTorch-free: option validation and the
// config.json parser use it; registry.h builds the networks.
//
// Adding an architecture: its options struct (kName, kSummary, kReferenceParameters,
// fields(), validate(), check_image_size()) in a header of its own with make_classifier(const
// ItsOptions&, const ModelData&), the network in the matching .cpp, and one line in ArchOptions
// below.
#include <nlohmann/json.hpp>

#include <string>
#include <variant>
#include <vector>

#include "core/choice.h"
#include "models/densenet_options.h"
#include "models/resnet50_options.h"
#include "models/resnet_options.h"
#include "models/wide_resnet_options.h"

namespace dign::models {

/// One alternative per architecture.
using ArchOptions =
    std::variant<ResNet18Options, WideResNet18Options, DenseNet121Options, ResNet50Options>;

/// Every architecture with its default options.
const std::vector<ChoiceEntry<ArchOptions>>& arch_catalog();

/// The default options of the architecture `name`; dign::OptionError ("arch") naming the
/// known architectures otherwise.
ArchOptions arch_named(const std::string& name);

/// The architecture's name ("resnet18").
std::string arch_name(const ArchOptions& arch);

/// The architecture's normalisation (ResNet18Options::norm): "bn" or "dubin"; "bn" for the
/// architectures without the option.
std::string arch_norm(const ArchOptions& arch);

/// dign::OptionError ("image_size") when `arch` cannot take `side` x `side` images (e.g.
/// densenet121 below 8 px, where its average pools leave nothing).
void check_image_size(const ArchOptions& arch, int64_t side);

/// {"arch": name, <its fields>}, as config.json's options record it.
nlohmann::json to_json(const ArchOptions& arch);
/// Reads to_json's record; validates. dign::Error naming `source` for an unknown name or
/// field, dign::OptionError for a value out of range.
ArchOptions arch_from_json(const nlohmann::json& j, const std::string& source);

}  // namespace dign::models
