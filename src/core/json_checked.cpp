#include "core/json_checked.h"

#include "core/error.h"

namespace dign {

namespace {
bool fits_int64(const nlohmann::json& v) {
  return v.is_number_integer() &&
         !(v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX));
}
}  // namespace

int64_t json_value_int64(const nlohmann::json& value, const std::string& what) {
  DIGN_CHECK(fits_int64(value), what, " is not a 64-bit integer");
  return value.get<int64_t>();
}

int64_t json_int64(const nlohmann::json& j, const char* key, const std::string& source) {
  DIGN_CHECK(j.is_object() && j.contains(key), source, ": field '", key, "' is missing");
  return json_value_int64(j.at(key), detail::concat(source, ": field '", key, "'"));
}

uint64_t json_uint64(const nlohmann::json& j, const char* key, const std::string& source) {
  DIGN_CHECK(j.is_object() && j.contains(key), source, ": field '", key, "' is missing");
  const auto& v = j.at(key);
  DIGN_CHECK(v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0), source,
             ": field '", key, "' is not an unsigned 64-bit integer");
  return v.get<uint64_t>();
}

int64_t json_int64_or(const nlohmann::json& j, const char* key, int64_t fallback,
                      const std::string& source) {
  return j.is_object() && j.contains(key) ? json_int64(j, key, source) : fallback;
}

}  // namespace dign
