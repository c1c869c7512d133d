#pragma once
// Reading a grid file's JSON objects: optional keys with their types checked, unknown keys
// refused, each error one line naming the file, the entry and the key. Internal to
// src/experiment (grid.cpp, grid_sections.cpp). LibTorch-free.
//
//   read_keys(j, "grid.json: evaluation", {key("report", e.report), key("severities",
//   e.severities)});
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace dign::experiment::detail {

using nlohmann::json;

/// j[key] as T, or `fallback` when absent; dign::Error naming `where` and the key for a
/// wrong type.
template <typename T>
T get_or(const json& j, const char* key, T fallback, const std::string& where) {
  if (!j.contains(key)) return fallback;
  try {
    return j.at(key).get<T>();
  } catch (const json::exception&) {
    throw Error(fmt::format("{}: {}: wrong type", where, key));
  }
}

/// dign::Error unless `j` is an object whose keys are all `known`.
inline void check_keys(const json& j, const std::set<std::string>& known,
                       const std::string& where) {
  DIGN_CHECK(j.is_object(), where, ": expected an object");
  for (const auto& [key, _] : j.items()) {
    DIGN_CHECK(known.count(key), where, ": unknown option '", key, "'");
  }
}

/// An optional key of an object and what reads its value, when given, into a variable.
using Key = std::pair<const char*, std::function<void(const json&, const std::string&)>>;

template <typename T>
Key key(const char* name, T& value) {
  return {name, [name, &value](const json& j, const std::string& where) {
            value = get_or(j, name, value, where);
          }};
}

/// Checks that `j` is an object with no key but `keys`, then reads them in order.
inline void read_keys(const json& j, const std::string& where, const std::vector<Key>& keys) {
  std::set<std::string> known;
  for (const auto& k : keys) known.insert(k.first);
  check_keys(j, known, where);
  for (const auto& k : keys) k.second(j, where);
}

}  // namespace dign::experiment::detail
