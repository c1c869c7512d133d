#pragma once
// The checkpoint container, without LibTorch (so that it can be fuzzed):
//   "DIGNCKPT" | u32 format version | u64 meta length | meta JSON |
//   u64 payload length | payload | u64 XXH3 of everything before it.
// Decoding verifies magic, version, lengths and checksum before anything else.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace dign::run {

constexpr uint32_t kCheckpointFormatVersion = 1;

struct CheckpointContainer {
  nlohmann::json meta;
  std::string payload;  ///< LibTorch archive bytes
};

std::string encode_checkpoint(const nlohmann::json& meta, const std::string& payload);

/// dign::Error naming `source` for anything but a well-formed container.
CheckpointContainer decode_checkpoint(const uint8_t* bytes, size_t size, const std::string& source);

}  // namespace dign::run
