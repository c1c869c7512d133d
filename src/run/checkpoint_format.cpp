#include "run/checkpoint_format.h"

#include <xxhash.h>

#include <cstring>

#include "core/error.h"

namespace dign::run {
namespace {

constexpr char kMagic[8] = {'D', 'I', 'G', 'N', 'C', 'K', 'P', 'T'};

template <typename T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

template <typename T>
T get(const uint8_t* bytes, size_t size, size_t& pos, const std::string& source) {
  DIGN_CHECK(pos <= size && sizeof(T) <= size - pos, source, ": checkpoint is truncated (", size,
             " bytes)");
  T value;
  std::memcpy(&value, bytes + pos, sizeof(T));
  pos += sizeof(T);
  return value;
}

}  // namespace

std::string encode_checkpoint(const nlohmann::json& meta, const std::string& payload) {
  const std::string meta_text = meta.dump();
  std::string file(kMagic, sizeof(kMagic));
  put<uint32_t>(file, kCheckpointFormatVersion);
  put<uint64_t>(file, meta_text.size());
  file += meta_text;
  put<uint64_t>(file, payload.size());
  file += payload;
  put<uint64_t>(file, XXH3_64bits(file.data(), file.size()));
  return file;
}

CheckpointContainer decode_checkpoint(const uint8_t* bytes, size_t size,
                                      const std::string& source) {
  DIGN_CHECK(size >= sizeof(kMagic) && std::memcmp(bytes, kMagic, sizeof(kMagic)) == 0, source,
             ": not a dign checkpoint (bad magic)");
  size_t pos = sizeof(kMagic);
  const auto version = get<uint32_t>(bytes, size, pos, source);
  DIGN_CHECK(version == kCheckpointFormatVersion, source, ": checkpoint format version ", version,
             ", but this dign reads version ", kCheckpointFormatVersion);
  DIGN_CHECK(size >= pos + 8 + 8 + 8, source, ": checkpoint is truncated");
  uint64_t stored;
  std::memcpy(&stored, bytes + size - 8, 8);
  DIGN_CHECK(stored == XXH3_64bits(bytes, size - 8), source,
             ": checkpoint checksum mismatch (the file is truncated or damaged)");
  const size_t end = size - 8;  // the checksum is not part of the records
  const auto meta_len = get<uint64_t>(bytes, end, pos, source);
  DIGN_CHECK(meta_len <= end - pos, source, ": checkpoint is truncated (meta)");
  CheckpointContainer parsed;
  parsed.meta = nlohmann::json::parse(bytes + pos, bytes + pos + meta_len, nullptr,
                                      /*allow_exceptions=*/false);
  DIGN_CHECK(parsed.meta.is_object(), source, ": checkpoint meta is not a JSON object");
  pos += meta_len;
  const auto payload_len = get<uint64_t>(bytes, end, pos, source);
  DIGN_CHECK(payload_len == end - pos, source, ": checkpoint payload length ", payload_len,
             " disagrees with the file size");
  parsed.payload.assign(reinterpret_cast<const char*>(bytes + pos), payload_len);
  return parsed;
}

}  // namespace dign::run
