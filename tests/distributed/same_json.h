#pragma once
// Reports computed by several ranks against one process's: same keys, sizes, strings and
// integers; floating-point numbers within `tolerance` relative to the larger of 1 and |b|
// (sums taken in another order differ in their last bits).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>

namespace dign::testing {

inline void expect_same_json(const nlohmann::json& a, const nlohmann::json& b,
                             const std::string& path, double tolerance = 1e-6) {
  ASSERT_EQ(a.type(), b.type()) << path;
  if (a.is_object()) {
    ASSERT_EQ(a.size(), b.size()) << path;
    for (const auto& item : a.items()) {
      ASSERT_TRUE(b.contains(item.key())) << path << "." << item.key();
      expect_same_json(item.value(), b[item.key()], path + "." + item.key(), tolerance);
    }
  } else if (a.is_array()) {
    ASSERT_EQ(a.size(), b.size()) << path;
    for (size_t i = 0; i < a.size(); ++i) {
      expect_same_json(a[i], b[i], path + "[" + std::to_string(i) + "]", tolerance);
    }
  } else if (a.is_number_float()) {
    const double x = a.get<double>(), y = b.get<double>();
    EXPECT_LE(std::abs(x - y), tolerance * std::max(1.0, std::abs(y)))
        << path << ": " << x << " vs " << y;
  } else {
    EXPECT_EQ(a, b) << path;
  }
}

}  // namespace dign::testing
