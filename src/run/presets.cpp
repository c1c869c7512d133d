#include "run/presets.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/fields.h"

namespace dign::run {
namespace {

using nlohmann::json;

// The hybrid's values are the paper's code's (train.py: lambda 0.2, sigma_max 0.2 for CIFAR in
// a comment, 0.6 for Tiny-ImageNet); the paper gives none of its own.
std::vector<Preset> make_presets() {
  return {
      {"cifar10",
       "CIFAR-10, 32 px: the paper's defaults",
       "",
       {{"weight_decay", 5e-4}},
       {{"dign", {{"lambda", 0.2}, {"sigma_max", 0.2}, {"samples", 3}}},
        {"dign-augmix", {{"lambda", 0.2}, {"sigma_max", 0.2}}},
        {"gn", {{"sigma_max", 0.2}}},
        {"rse", {{"sigma", 0.1}}},
        {"deepaugment", {{"n2n_eps", 0.1}}}},
       "section 4 and Table 6 (DiGN 0.2 / 0.2, n 3), RSE 0.1 and Noise2Net 0.1 (section 4)"},
      {"cifar100",
       "CIFAR-100, 32 px: DiGN lambda 0.3",
       "",
       {{"weight_decay", 5e-4}},
       {{"dign", {{"lambda", 0.3}, {"sigma_max", 0.2}, {"samples", 3}}},
        {"dign-augmix", {{"lambda", 0.2}, {"sigma_max", 0.2}}},
        {"gn", {{"sigma_max", 0.2}}},
        {"rse", {{"sigma", 0.1}}},
        {"deepaugment", {{"n2n_eps", 0.1}}}},
       "section 4 (DiGN lambda 0.3, sigma_max 0.2 for CIFAR-100)"},
      {"tiny-imagenet",
       "Tiny-ImageNet, 64 px (ResNet-18's 7x7 stem by --stem auto): sigma_max 0.6",
       "",
       {{"image_size", 64}, {"weight_decay", 5e-4}},
       {{"dign", {{"lambda", 0.2}, {"sigma_max", 0.6}, {"samples", 3}}},
        {"dign-augmix", {{"lambda", 0.2}, {"sigma_max", 0.6}}},
        {"gn", {{"sigma_max", 0.6}}},
        {"rse", {{"sigma", 0.3}}},
        {"deepaugment", {{"n2n_eps", 0.2}}}},
       "section 4 (DiGN 0.2 / 0.6, RSE 0.3, Noise2Net 0.2 for Tiny-ImageNet)"},
      {"imagenette",
       "ImageNette, 224 px, ResNet-50, weight decay 3e-3: sigma_max 1.2 with 20% noise masking",
       "resnet50",
       {{"image_size", 224}, {"weight_decay", 3e-3}},
       {{"dign", {{"lambda", 0.2}, {"sigma_max", 1.2}, {"samples", 3}, {"mask_prob", 0.2}}},
        {"gn", {{"sigma_max", 1.2}}}},
       "A.8 (DiGN 0.2 / 1.2, n 3, masking 0.2, ResNet-50) and the paper's code (weight decay "
       "3e-3)"},
  };
}

}  // namespace

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = make_presets();
  return all;
}

const Preset& preset_named(const std::string& name) {
  std::string known;
  for (const auto& p : presets()) {
    if (p.name == name) return p;
    known += (known.empty() ? "" : ", ") + p.name;
  }
  throw OptionError("preset", detail::concat("unknown preset '", name, "' (known: ", known, ")"));
}

json apply_preset(const Preset& preset, TrainOptions& o, const std::set<std::string>& given) {
  json set = json::object();
  o.preset = preset.name;
  if (!preset.arch.empty() && !given.count("--arch")) set["arch"] = preset.arch;
  json train = json::object();
  for (const auto& [key, value] : preset.train.items()) {
    if (given.count(flag_of(key))) continue;
    if (key == "image_size") {
      o.data.image_size = value.get<int64_t>();
    } else if (key == "weight_decay") {
      o.weight_decay = value.get<double>();
    } else {
      throw Error(detail::concat("internal: preset ", preset.name, " sets unknown option ", key));
    }
    train[key] = value;
  }
  if (!train.empty()) set["train"] = train;
  const std::string method = o.method.name();
  if (preset.methods.contains(method)) {
    json fields = json::object();
    for (const auto& [key, value] : preset.methods.at(method).items()) {
      if (!given.count(flag_of(key))) fields[key] = value;
    }
    std::visit([&](auto& options) { fields_from_json(options, fields, "preset " + preset.name); },
               o.method.options);
    o.method.validate();
    if (!fields.empty()) set["method"] = fields;
  }
  o.preset_values = set;
  return set;
}

std::string presets_table() {
  std::string out = "| preset | what | sets | source |\n|---|---|---|---|\n";
  for (const auto& p : presets()) {
    std::string sets;
    auto add = [&](const std::string& text) { sets += (sets.empty() ? "" : "; ") + text; };
    if (!p.arch.empty()) add("--arch " + p.arch);
    for (const auto& [key, value] : p.train.items()) add(flag_of(key) + " " + value.dump());
    for (const auto& [method, fields] : p.methods.items()) {
      std::string f;
      for (const auto& [key, value] : fields.items()) {
        f += (f.empty() ? "" : " ") + flag_of(key) + " " + value.dump();
      }
      add(method + ": " + f);
    }
    out += fmt::format("| {} | {} | {} | {} |\n", p.name, p.summary, sets, p.source);
  }
  return out;
}

}  // namespace dign::run
