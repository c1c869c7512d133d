#pragma once
// Integer fields of JSON files dign reads back (config.json, checkpoint meta),
// checked before converting: nlohmann's get<int64_t>() of a number stored as a
// double (say 4e45) is undefined behaviour, which fuzzing found. Other type
// mismatches throw nlohmann::json::exception, which callers turn into a
// dign::Error naming the file.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace dign {

/// j[key] as a signed 64-bit integer; dign::Error naming `source` and `key` otherwise.
int64_t json_int64(const nlohmann::json& j, const char* key, const std::string& source);
/// j[key] as an unsigned 64-bit integer; dign::Error naming `source` and `key` otherwise.
uint64_t json_uint64(const nlohmann::json& j, const char* key, const std::string& source);
/// A value (e.g. an array element) as a signed 64-bit integer; dign::Error "<what> is not ...".
int64_t json_value_int64(const nlohmann::json& value, const std::string& what);
/// j[key] if present (else `fallback`), checked as json_int64 does.
int64_t json_int64_or(const nlohmann::json& j, const char* key, int64_t fallback,
                      const std::string& source);

}  // namespace dign
