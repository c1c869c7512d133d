#pragma once
// The command line of a choice among options structs (core/choice.h): a selector flag
// (--method, --arch) and one flag per field of every alternative, declared by the
// alternatives' fields() and bound straight to their options structs. A flag that several
// alternatives share (--sigma-max: DiGN's and GN's) sets the field of each; a flag given for
// an alternative that lacks it is an error naming the alternatives it belongs to.
//
//   auto method = std::make_shared<ChoiceFlags<MethodOptions>>(*cmd, "method", defaults);
//   ... parse ...
//   MethodOptions chosen = method->resolve();
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <typeindex>
#include <vector>

#include "core/choice.h"
#include "core/error.h"

namespace dign::cli {

template <typename Variant>
class ChoiceFlags {
 public:
  /// `selector` is the field naming the alternative ("method"); `defaults` the alternative
  /// chosen without the selector flag, with its values (the paper's, or a resumed run's).
  /// Keep the object alive and in place until resolve(): CLI11 holds pointers into it.
  ChoiceFlags(CLI::App& command, const std::string& selector, const Variant& defaults)
      : selector_(selector), chosen_(choice_name(defaults)) {
    const auto& catalog = choice_catalog<Variant>();
    instances_.reserve(catalog.size());  // fields are bound by address: never reallocate
    std::string names, summaries;
    for (const auto& entry : catalog) {
      instances_.push_back(entry.name == chosen_ ? defaults : entry.defaults);
      names += (names.empty() ? "" : "|") + entry.name;
      summaries += fmt::format("; {}: {}", entry.name, entry.summary);
    }
    const std::string group = fmt::format("Options of --{}", selector);
    selector_option_ = command.add_option("--" + selector, chosen_, names + summaries)
                           ->check(CLI::IsMember(names_of(catalog)))
                           ->default_str(chosen_)
                           ->group(group);
    for (size_t i = 0; i < instances_.size(); ++i) {
      std::visit([&](auto& options) { bind(command, group, catalog[i].name, options); },
                 instances_[i]);
    }
    for (auto& [flag, f] : flags_) {
      // One owner of a valued option: its help (CLI11 shows the default after the type);
      // several owners, or a flag (CLI11 shows no default): each owner's default in the text.
      const bool show_defaults = f.owners.size() > 1 || f.type == std::type_index(typeid(bool));
      std::string text;
      for (size_t k = 0; k < f.owners.size(); ++k) {
        text += fmt::format("{}{}: {}", k ? "; " : "", f.owners[k], f.helps[k].first);
        if (show_defaults) text += " (default " + f.helps[k].second + ")";
      }
      f.option->description(text);
    }
  }
  ChoiceFlags(const ChoiceFlags&) = delete;
  ChoiceFlags& operator=(const ChoiceFlags&) = delete;

  /// Chooses the alternative `name` unless the selector flag was given (a preset's
  /// architecture); call after parsing, before resolve().
  void prefer(const std::string& name) {
    if (selector_option_->count() == 0) chosen_ = name;
  }

  /// The chosen alternative with the given flags applied. dign::Error naming a flag given
  /// that the chosen alternative does not have.
  Variant resolve() {
    for (const auto& [flag, f] : flags_) {
      if (f.option->count() == 0) continue;
      bool owned = false;
      for (const auto& owner : f.owners) owned |= owner == chosen_;
      DIGN_CHECK(owned, flag, ": an option of --", selector_, " ", join(f.owners), ", not of --",
                 selector_, " ", chosen_);
      for (const auto& apply : f.apply) apply();
    }
    for (const auto& instance : instances_) {
      if (choice_name(instance) == chosen_) return instance;
    }
    throw Error(detail::concat("--", selector_, ": unknown '", chosen_, "'"));
  }

 private:
  struct Flag {
    CLI::Option* option = nullptr;
    std::type_index type = typeid(void);
    /// What CLI11 parses into (a T for the field's type T).
    std::shared_ptr<void> storage;
    std::vector<std::string> owners;
    /// Copies the parsed value into each owner's field.
    std::vector<std::function<void()>> apply;
    /// Each owner's help and default, joined into the flag's description.
    std::vector<std::pair<std::string, std::string>> helps;
  };

  static std::vector<std::string> names_of(const std::vector<ChoiceEntry<Variant>>& catalog) {
    std::vector<std::string> names;
    for (const auto& entry : catalog) names.push_back(entry.name);
    return names;
  }
  static std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
  }
  template <typename T>
  static std::string shown(const T& value) {
    if constexpr (std::is_same_v<T, bool>) {
      return value ? "on" : "off";
    } else {
      std::ostringstream out;
      out << value;
      return out.str();
    }
  }

  // Declares (or joins) the flag of every field of `options`, the alternative `owner`. The
  // flag parses into a value of its own, copied into every owner's field by resolve().
  template <typename Options>
  void bind(CLI::App& command, const std::string& group, const std::string& owner,
            Options& options) {
    options.fields([&](const char* key, auto& value, const char* help) {
      using T = std::decay_t<decltype(value)>;
      const std::string flag = flag_of(key);
      auto found = flags_.find(flag);
      if (found == flags_.end()) {
        // Two choices, or a choice and the command, may not declare the same flag.
        DIGN_CHECK(command.get_option_no_throw(flag) == nullptr, "internal: ", flag, " of --",
                   selector_, " ", owner, " is already an option of 'dign ", command.get_name(),
                   "'");
        auto parsed = std::make_shared<T>(value);
        Flag f;
        f.type = typeid(T);
        if constexpr (std::is_same_v<T, bool>) {
          f.option = command.add_flag(flag, *parsed);
        } else {
          f.option = command.add_option(flag, *parsed);
        }
        f.option->group(group);
        f.storage = parsed;
        found = flags_.emplace(flag, std::move(f)).first;
      }
      Flag& f = found->second;
      if (f.type != std::type_index(typeid(T))) {
        throw Error(detail::concat("internal: ", flag, " has different types in two options"));
      }
      const auto parsed = std::static_pointer_cast<T>(f.storage);
      T* field = &value;
      f.apply.push_back([parsed, field] { *field = *parsed; });
      f.owners.push_back(owner);
      f.helps.emplace_back(help, shown(value));
    });
  }

  std::string selector_;
  std::string chosen_;
  CLI::Option* selector_option_ = nullptr;
  std::vector<Variant> instances_;
  std::map<std::string, Flag> flags_;
};

}  // namespace dign::cli
