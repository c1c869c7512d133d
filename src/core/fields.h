#pragma once
// Options structs list their fields once, and config.json, the command line and error
// messages all follow that list:
//
//   struct DignOptions {
//     DIGN_ARG(double, lambda) = 0.2;
//    public:
//     template <typename Visit> void fields(Visit&& visit) {
//       visit("lambda", lambda_, "weight of the KL consistency term");
//     }
//   };
//
// A field's key is its config.json key and, with '_' as '-', its flag (--lambda); the
// supported types are bool, int64_t, double and std::string (a name among choices, checked
// by validate()). LibTorch-free; the command line binds
// fields in cli/choice_flags.h.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <type_traits>

#include "core/error.h"
#include "core/json_checked.h"

namespace dign {

/// "sigma_max" -> "--sigma-max".
inline std::string flag_of(const std::string& key) {
  std::string flag = "--" + key;
  for (char& c : flag) c = c == '_' ? '-' : c;
  return flag;
}

/// Every field of `options` as a JSON object {key: value}.
template <typename Options>
nlohmann::json fields_to_json(Options options) {
  nlohmann::json j = nlohmann::json::object();
  options.fields([&](const char* key, const auto& value, const char*) { j[key] = value; });
  return j;
}

/// Sets the fields of `options` present in `j`; absent ones keep their value (a field added
/// later reads an older file as its default). dign::Error naming `source` for a key that is
/// not a field of `options`, listed in `ignored` (e.g. the record's own name key) aside, or
/// for a value of the wrong type. Does not validate ranges.
template <typename Options>
void fields_from_json(Options& options, const nlohmann::json& j, const std::string& source,
                      const std::set<std::string>& ignored = {}) {
  DIGN_CHECK(j.is_object(), source, ": expected a JSON object of options");
  std::set<std::string> known = ignored;
  options.fields([&](const char* key, auto& value, const char*) {
    known.insert(key);
    if (!j.contains(key)) return;
    using T = std::decay_t<decltype(value)>;
    const auto& v = j.at(key);
    if constexpr (std::is_same_v<T, bool>) {
      DIGN_CHECK(v.is_boolean(), source, ": ", key, " must be true or false");
      value = v.get<bool>();
    } else if constexpr (std::is_same_v<T, int64_t>) {
      value = json_int64(j, key, source);
    } else if constexpr (std::is_same_v<T, std::string>) {
      DIGN_CHECK(v.is_string(), source, ": ", key, " must be a string");
      value = v.get<std::string>();
    } else {
      static_assert(std::is_same_v<T, double>, "fields are bool, int64_t, double or string");
      DIGN_CHECK(v.is_number(), source, ": ", key, " must be a number");
      value = v.get<double>();
    }
  });
  for (const auto& item : j.items()) {
    DIGN_CHECK(known.count(item.key()), source, ": unknown option '", item.key(), "'");
  }
}

}  // namespace dign
