#pragma once
// One error type for everything a user can trigger (bad files, bad options).
// The command-line layer prints what() as a single line and exits non-zero;
// the library never exits.
//
//   DIGN_CHECK(n > 0, path, ": expected at least one image, got ", n);  // throws dign::Error
//   try { ... } catch (const dign::Error& e) { std::cerr << e.what() << "\n"; return 2; }
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace dign {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// An option with a value out of range. `field` is its name in its options struct and in
/// config.json ("lambda", "sigma_max"); what() reads "field: message". The command line
/// reports it under the flag instead ("--sigma-max: ..."), an experiment file under its key.
class OptionError : public Error {
 public:
  OptionError(std::string field, const std::string& message)
      : Error(field + ": " + message), field_(std::move(field)), message_(message) {}
  const std::string& field() const noexcept { return field_; }
  const std::string& message() const noexcept { return message_; }

 private:
  std::string field_;
  std::string message_;
};

namespace detail {
template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}
}  // namespace detail

}  // namespace dign

// DIGN_CHECK(cond, "file ", path, ": expected ...") throws dign::Error with the
// concatenated message when cond is false (TORCH_CHECK style, without backtrace).
// DIGN_CHECK_OPTION(lambda() >= 0, "lambda", "expected a value >= 0, got ", lambda())
// throws dign::OptionError for `field` when cond is false.
#define DIGN_CHECK_OPTION(cond, field, ...)                                  \
  do {                                                                       \
    if (!(cond)) {                                                           \
      throw ::dign::OptionError(field, ::dign::detail::concat(__VA_ARGS__)); \
    }                                                                        \
  } while (false)

#define DIGN_CHECK(cond, ...)                                   \
  do {                                                          \
    if (!(cond)) {                                              \
      throw ::dign::Error(::dign::detail::concat(__VA_ARGS__)); \
    }                                                           \
  } while (false)
