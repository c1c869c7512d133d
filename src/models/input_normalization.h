#pragma once
// The normalization a model saved without it expects, applied by dign before the model (`dign
// eval --model FILE.pt --input-mean M --input-std S`): (x - mean) / std per RGB channel on
// images in [0,1], as torchvision's Normalize does, so noise, corruptions and attacks still act
// in [0,1] pixel units. dign's own models carry their normalization inside (classifier.h).
// LibTorch-free.
//
//   InputNormalization n = parse_input_normalization("cifar10", "0.2,0.2,0.2");
#include <nlohmann/json.hpp>

#include <string>

#include "models/model_data.h"

namespace dign::models {

struct InputNormalization {
  /// Per-channel mean and standard deviation in [0,1] units. Default: the identity (0 and 1).
  ChannelValues mean = {0.0, 0.0, 0.0};
  ChannelValues std = {1.0, 1.0, 1.0};
  bool identity() const;
};

/// The named choices: "cifar10" (the CIFAR-10 constants of most PyTorch CIFAR code, mean
/// (0.4914, 0.4822, 0.4465), std (0.2023, 0.1994, 0.2010)) and "imagenet" (torchvision's,
/// (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)).
InputNormalization named_input_normalization(const std::string& name);

/// Reads one flag's value: a named choice or three comma-separated numbers (one per RGB
/// channel). dign::OptionError (`field`, "input_mean" or "input_std") for another count of
/// values, a value that is not a finite number, or a std that is not positive.
ChannelValues parse_channel_values(const std::string& text, const std::string& field);

/// Both flags; an empty text keeps the identity's value (mean 0, std 1).
InputNormalization parse_input_normalization(const std::string& mean, const std::string& std);

/// {"mean": [..], "std": [..]}, as reports record it.
nlohmann::json to_json(const InputNormalization& normalization);

}  // namespace dign::models
