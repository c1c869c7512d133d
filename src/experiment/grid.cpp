#include "experiment/grid.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/error.h"
#include "core/file_io.h"
#include "experiment/grid_sections.h"
#include "experiment/json_keys.h"
#include "experiment/paper_values.h"
#include "models/catalog.h"
#include "objectives/method.h"

namespace dign::experiment {
namespace {

using detail::check_keys;
using detail::get_or;
using nlohmann::json;

/// Every method's (or architecture's) fields: name -> record with defaults.
template <typename Catalog, typename ToJson>
std::map<std::string, json> defaults_of(const Catalog& catalog, ToJson to_record) {
  std::map<std::string, json> out;
  for (const auto& entry : catalog) out[entry.name] = to_record(entry.defaults);
  return out;
}

const std::map<std::string, json>& method_defaults() {
  static const auto d = defaults_of(objectives::method_catalog(), [](const auto& o) {
    return objectives::to_json(objectives::MethodConfig{o});
  });
  return d;
}

const std::map<std::string, json>& arch_defaults() {
  static const auto d =
      defaults_of(models::arch_catalog(), [](const auto& o) { return models::to_json(o); });
  return d;
}

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

/// A method or architecture record given as a name or an object; checks its keys against
/// the catalog, so an option of another method is named as such.
json named_record(const json& given, const char* name_key, const std::map<std::string, json>& all,
                  const std::string& where) {
  json record = given.is_string() ? json{{name_key, given}} : given;
  DIGN_CHECK(record.is_object() && record.contains(name_key) && record[name_key].is_string(), where,
             ": expected a name or an object with \"", name_key, "\"");
  const std::string name = record[name_key];
  std::vector<std::string> names;
  for (const auto& [n, _] : all) names.push_back(n);
  const auto it = all.find(name);
  DIGN_CHECK(it != all.end(), where, ": unknown ", name_key, " '", name, "' (expected one of ",
             join(names), ")");
  for (const auto& [key, _] : record.items()) {
    if (it->second.contains(key)) continue;
    std::vector<std::string> owners;
    for (const auto& [n, d] : all) {
      if (d.contains(key)) owners.push_back(n);
    }
    DIGN_CHECK(owners.empty(), where, ": option '", key, "' is not an option of ", name_key, " '",
               name, "' (it belongs to ", join(owners), ")");
    DIGN_CHECK(false, where, ": unknown option '", key, "' of ", name_key, " '", name, "'");
  }
  return record;
}

/// Overlays `top` on `base`: nested objects merge; a method or model of another name replaces.
void overlay(json& base, const json& top, const std::string& where) {
  for (const auto& [key, value] : top.items()) {
    if (key == "label") continue;
    DIGN_CHECK(base.contains(key) && key != "out", where, ": unknown option '", key, "'");
    if (key == "method" || key == "model") {
      const char* name_key = key == "method" ? "method" : "arch";
      json record =
          named_record(value, name_key, key == "method" ? method_defaults() : arch_defaults(),
                       where + ": " + key);
      const auto& defaults = (key == "method" ? method_defaults() : arch_defaults())
                                 .at(record[name_key].get<std::string>());
      if (base[key].value(name_key, "") != record[name_key]) base[key] = defaults;
      for (const auto& [k, v] : record.items()) base[key][k] = v;
    } else if (key == "data") {
      DIGN_CHECK(value.is_object(), where, ": data: expected an object");
      for (const auto& [k, v] : value.items()) {
        DIGN_CHECK(base["data"].contains(k), where, ": unknown option 'data.", k, "'");
        base["data"][k] = v;
      }
    } else {
      base[key] = value;
    }
  }
}

/// Is `value` at `key` an axis? A list, unless the option itself is a list (then a list of lists).
bool is_axis(const json& value, const json* default_value) {
  if (!value.is_array()) return false;
  if (default_value && default_value->is_array()) return !value.empty() && value[0].is_array();
  return true;
}

/// Expands every axis of an entry (objects one level deep: method, model, data).
std::vector<json> expand(const json& entry, const std::string& where) {
  static const json defaults = run::to_json(run::TrainOptions());
  auto axis_of = [&](const json& e) -> std::pair<std::vector<std::string>, json> {
    for (const auto& [key, value] : e.items()) {
      const json* d = defaults.contains(key) ? &defaults.at(key) : nullptr;
      if (is_axis(value, d)) return {{key}, value};
      if (value.is_object()) {
        for (const auto& [k, v] : value.items()) {
          const json* dk = d && d->is_object() && d->contains(k) ? &d->at(k) : nullptr;
          if (is_axis(v, dk)) return {{key, k}, v};
        }
      }
    }
    return {{}, json()};
  };
  const auto [path, values] = axis_of(entry);
  if (path.empty()) return {entry};
  DIGN_CHECK(!values.empty(), where, ": ", path.back(), ": an empty list");
  std::vector<json> out;
  for (const auto& v : values) {
    json e = entry;
    if (path.size() == 1) {
      e[path[0]] = v;
    } else {
      e[path[0]][path[1]] = v;
    }
    for (auto& x : expand(e, where)) out.push_back(std::move(x));
  }
  return out;
}

/// method + the method's options that differ from its defaults (+ the model's norm unless bn,
/// so that AugMax with and without DuBIN are two settings) + `extra`.
std::string make_label(const run::TrainOptions& o, const std::string& extra) {
  std::string label = o.method.name();
  const json m = objectives::to_json(o.method);
  const json& d = method_defaults().at(label);
  for (const auto& [k, v] : m.items()) {
    if (k != "method" && d.at(k) != v)
      label += " " + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  const std::string norm = models::arch_norm(o.model);
  if (norm != "bn") label += " norm=" + norm;
  return label + extra;
}

}  // namespace

json run_identity(const run::TrainOptions& options) {
  json j = run::to_json(options);
  for (const char* key :
       {"out", "threads", "loader_threads", "device", "eval_batch_size", "checkpoint_every",
        "keep_last", "on_nonfinite", "preset", "preset_values"}) {
    j.erase(key);
  }
  // sync_bn and the model's norm joined the options after grids had named their runs: out at
  // their defaults, so that every earlier run keeps its name (its hash).
  if (!options.sync_bn) j.erase("sync_bn");
  if (j["model"].value("norm", "") == "bn") j["model"].erase("norm");
  return j;
}

std::string identity_hash(const json& identity) {
  const std::string text = identity.dump();
  return fmt::format("{:016x}", XXH3_64bits(text.data(), text.size())).substr(0, 8);
}

Grid load_grid(const std::string& path, const std::string& runs_root) {
  json j;
  try {
    j = json::parse(read_text_file(path));
  } catch (const json::exception& e) {
    throw Error(fmt::format("{}: not valid JSON ({})", path, e.what()));
  }
  return parse_grid(j, path, runs_root);
}

Grid parse_grid(const json& j, const std::string& source, const std::string& runs_root) {
  check_keys(
      j, {"name", "description", "runs_root", "train", "runs", "evaluation", "landscape", "paper"},
      source);
  Grid g;
  g.file = source;
  g.name = get_or(j, "name", std::string("experiment"), source);
  g.runs_root = runs_root.empty() ? get_or(j, "runs_root", "runs/" + g.name, source) : runs_root;
  g.paper = get_or(j, "paper", std::string(), source);
  const auto& datasets = published_datasets();
  DIGN_CHECK(
      g.paper.empty() || std::find(datasets.begin(), datasets.end(), g.paper) != datasets.end(),
      source, ": paper: expected one of ", join(datasets),
      " (the dataset whose published values `tables --paper` shows) or none, got '", g.paper, "'");
  const json train = j.value("train", json::object());
  DIGN_CHECK(j.contains("runs") && j["runs"].is_array() && !j["runs"].empty(), source,
             ": runs: expected a non-empty list of entries");
  json base = run::to_json(run::TrainOptions());
  base["data"]["path"] = "";
  overlay(base, train, source + ": train");
  std::map<std::string, std::string> names;  // name -> entry
  for (size_t i = 0; i < j["runs"].size(); ++i) {
    const json& raw = j["runs"][i];
    const std::string where = fmt::format("{}: runs[{}]", source, i);
    DIGN_CHECK(raw.is_object(), where, ": expected an object of options");
    const std::string extra =
        raw.contains("label") ? " " + get_or(raw, "label", std::string(), where) : "";
    for (const json& entry : expand(raw, where)) {
      json merged = base;
      overlay(merged, entry, where);
      merged["out"] = "-";
      RunSpec r;
      try {
        r.options = run::train_options_from_json(merged, where);
        r.options.validate();
      } catch (const OptionError& e) {
        throw Error(fmt::format("{}: {}: {}", where, e.field(), e.message()));
      }
      std::string& data = r.options.data.path;
      // A relative dataset path is the grid file's business, not the caller's working
      // directory: the commands `plan` prints run from anywhere.
      if (!data.empty() && data != "synthetic" && std::filesystem::path(data).is_relative()) {
        data = std::filesystem::absolute(std::filesystem::path(source).parent_path() / data)
                   .lexically_normal()
                   .string();
      }
      DIGN_CHECK(!data.empty(), where,
                 ": data.path: a dataset directory or 'synthetic' is required");
      DIGN_CHECK(data == "synthetic" || std::filesystem::is_directory(data), where,
                 ": data.path: '", data,
                 "' is not a directory (expected a dataset or 'synthetic')");
      r.method = r.options.method.name();
      r.arch = choice_name(r.options.model);
      r.seed = r.options.seed;
      r.identity = run_identity(r.options);
      r.name = fmt::format("{}-{}-s{}-{}", r.method, r.arch, r.seed, identity_hash(r.identity));
      r.entry = fmt::format("{} ({}, seed {})", where, r.method, r.seed);
      r.label = make_label(r.options, extra);
      r.options.out = (std::filesystem::path(g.runs_root) / r.name).string();
      const auto [it, fresh] = names.emplace(r.name, r.entry);
      DIGN_CHECK(fresh, r.entry, ": has the same settings as ", it->second, " (both would be ",
                 r.name, ")");
      g.runs.push_back(std::move(r));
    }
  }
  // A label given to runs of several architectures (an arch axis) names the architecture:
  // tables give each its own column, and landscape labels can pick one.
  std::map<std::string, std::set<std::string>> archs;
  for (const auto& r : g.runs) archs[r.label].insert(r.arch);
  for (auto& r : g.runs) {
    if (archs.at(r.label).size() > 1) r.label += " arch=" + r.arch;
  }
  if (j.contains("evaluation"))
    g.evaluation = parse_evaluation(j["evaluation"], source + ": evaluation");
  if (j.contains("landscape")) {
    g.landscape = parse_landscape(j["landscape"], source + ": landscape");
    json key = g.landscape.options.radii;
    for (const auto& label : g.landscape.labels) {
      size_t found = g.runs.size();
      for (size_t i = 0; i < g.runs.size(); ++i) {
        if (g.runs[i].label == label && g.runs[i].seed == g.landscape.seed) found = i;
      }
      if (found == g.runs.size()) {
        std::set<std::string> known;
        for (const auto& r : g.runs) known.insert(r.label);
        throw Error(fmt::format("{}: landscape: no run labelled '{}' with seed {} (labels: {})",
                                source, label, g.landscape.seed, fmt::join(known, ", ")));
      }
      g.landscape.runs.push_back(found);
      key.push_back(g.runs[found].name);
    }
    key.push_back(j["landscape"]);
    g.landscape.name = "landscape-" + identity_hash(key);
  }
  return g;
}

}  // namespace dign::experiment
