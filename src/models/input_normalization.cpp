#include "models/input_normalization.h"

#include <cmath>
#include <cstdlib>
#include <vector>

#include "core/error.h"

namespace dign::models {

bool InputNormalization::identity() const {
  return mean == ChannelValues{0.0, 0.0, 0.0} && std == ChannelValues{1.0, 1.0, 1.0};
}

InputNormalization named_input_normalization(const std::string& name) {
  if (name == "cifar10") return {{0.4914, 0.4822, 0.4465}, {0.2023, 0.1994, 0.2010}};
  if (name == "imagenet") return {{0.485, 0.456, 0.406}, {0.229, 0.224, 0.225}};
  throw Error("internal: named_input_normalization: unknown name '" + name + "'");
}

namespace {

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

ChannelValues parse_channel_values(const std::string& text, const std::string& field) {
  const bool is_std = field == "input_std";
  const std::string name = trimmed(text);
  if (name == "cifar10" || name == "imagenet") {
    const InputNormalization n = named_input_normalization(name);
    return is_std ? n.std : n.mean;
  }
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    parts.push_back(
        trimmed(text.substr(start, comma == std::string::npos ? comma : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  DIGN_CHECK_OPTION(parts.size() == 3, field,
                    "expected 3 comma-separated values (one per RGB channel) or cifar10 or "
                    "imagenet, got ",
                    parts.size(), " value", parts.size() == 1 ? "" : "s", " ('", text, "')");
  ChannelValues values{};
  for (size_t c = 0; c < 3; ++c) {
    const std::string& part = parts[c];
    char* end = nullptr;
    const double v = part.empty() ? NAN : std::strtod(part.c_str(), &end);
    DIGN_CHECK_OPTION(!part.empty() && end == part.c_str() + part.size() && std::isfinite(v), field,
                      "channel ", c, ": expected a finite number, got '", part, "'");
    DIGN_CHECK_OPTION(!is_std || v > 0, field, "channel ", c, ": expected a std > 0, got ", part);
    values[c] = v;
  }
  return values;
}

InputNormalization parse_input_normalization(const std::string& mean, const std::string& std) {
  InputNormalization n;
  if (!mean.empty()) n.mean = parse_channel_values(mean, "input_mean");
  if (!std.empty()) n.std = parse_channel_values(std, "input_std");
  return n;
}

nlohmann::json to_json(const InputNormalization& n) {
  return {{"mean", n.mean}, {"std", n.std}};
}

}  // namespace dign::models
