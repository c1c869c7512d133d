#pragma once
// Options structs in the LibTorch style without LibTorch: DIGN_ARG(T, name)
// declares a member `name_` with a chainable setter `name(value)` and a getter
// `name()`, as TORCH_ARG does, so option structs can live in the LibTorch-free
// library (the config.json parser is fuzzed there) and still read like
//   DignOptions().lambda(0.2).samples(3)
// Like TORCH_ARG, it leaves the struct in `private:`; write `public:` after it
// before declaring further public members.
#include <utility>

#define DIGN_ARG(T, name)                             \
 public:                                              \
  inline auto name(const T& value)->decltype(*this) { \
    this->name##_ = value;                            \
    return *this;                                     \
  }                                                   \
  inline auto name(T&& value)->decltype(*this) {      \
    this->name##_ = std::move(value);                 \
    return *this;                                     \
  }                                                   \
  inline const T& name() const noexcept {             \
    return name##_;                                   \
  }                                                   \
  inline T& name() noexcept {                         \
    return name##_;                                   \
  }                                                   \
                                                      \
 private:                                             \
  T name##_
