#pragma once
// One error type for everything a user can trigger (bad files, bad options).
// The command-line layer prints what() as a single line and exits non-zero;
// the library never exits.
#include <sstream>
#include <stdexcept>
#include <string>

namespace dign {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
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
#define DIGN_CHECK(cond, ...)                                   \
  do {                                                          \
    if (!(cond)) {                                              \
      throw ::dign::Error(::dign::detail::concat(__VA_ARGS__)); \
    }                                                           \
  } while (false)
