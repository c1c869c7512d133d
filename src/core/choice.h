#pragma once
// A choice among options structs, one per alternative of a std::variant: the training methods
// (objectives/method.h) and the architectures (models/catalog.h). Each alternative has
//   static constexpr const char* kName, kSummary;  fields(visit) (core/fields.h);  validate().
// Its record, in config.json and checkpoints, is {<name_key>: kName, <its fields>}.
// LibTorch-free.
#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <variant>
#include <vector>

#include "core/error.h"
#include "core/fields.h"

namespace dign {

template <typename Variant>
struct ChoiceEntry {
  std::string name;
  std::string summary;
  Variant defaults;
};

namespace detail {
template <typename... Alternatives>
std::vector<ChoiceEntry<std::variant<Alternatives...>>> choice_entries(
    const std::variant<Alternatives...>*) {
  return {{Alternatives::kName, Alternatives::kSummary, Alternatives()}...};
}
}  // namespace detail

/// Every alternative with its defaults, in the variant's order.
template <typename Variant>
const std::vector<ChoiceEntry<Variant>>& choice_catalog() {
  static const auto catalog = detail::choice_entries(static_cast<const Variant*>(nullptr));
  return catalog;
}

/// The defaults of the alternative called `name`; dign::OptionError for `field` listing the
/// known names otherwise ("unknown <noun> 'name'", noun defaulting to the field's name).
template <typename Variant>
Variant choice_named(const std::string& name, const std::string& field, std::string noun = "") {
  std::string known;
  for (const auto& entry : choice_catalog<Variant>()) {
    if (entry.name == name) return entry.defaults;
    known += (known.empty() ? "" : ", ") + entry.name;
  }
  if (noun.empty()) noun = field;
  throw OptionError(field, detail::concat("unknown ", noun, " '", name, "' (known: ", known, ")"));
}

template <typename Variant>
std::string choice_name(const Variant& choice) {
  return std::visit([](const auto& o) -> std::string { return o.kName; }, choice);
}

template <typename Variant>
void choice_validate(const Variant& choice) {
  std::visit([](const auto& o) { o.validate(); }, choice);
}

/// {name_key: name, <fields>}.
template <typename Variant>
nlohmann::json choice_to_json(const Variant& choice, const std::string& name_key) {
  nlohmann::json j = {{name_key, choice_name(choice)}};
  j.update(std::visit([](const auto& o) { return fields_to_json(o); }, choice));
  return j;
}

/// The record choice_to_json writes, with `ignored` keys allowed beside the fields (a record
/// that shares its object with other values). Fields it lacks keep their defaults. Does not
/// validate. dign::Error naming `source` for a missing name, an unknown name or field, a type.
template <typename Variant>
Variant choice_from_json(const nlohmann::json& j, const std::string& name_key,
                         const std::string& source, std::set<std::string> ignored = {},
                         const std::string& noun = "") {
  DIGN_CHECK(j.is_object() && j.contains(name_key) && j.at(name_key).is_string(), source,
             ": expected a record with a \"", name_key, "\" name");
  Variant choice;
  try {
    choice = choice_named<Variant>(j.at(name_key).get<std::string>(), name_key, noun);
  } catch (const OptionError& e) {
    throw Error(detail::concat(source, ": ", e.what()));
  }
  ignored.insert(name_key);
  std::visit([&](auto& o) { fields_from_json(o, j, source, ignored); }, choice);
  return choice;
}

}  // namespace dign
