#include "train/checkpoint.h"

#include <xxhash.h>

#include <cstring>
#include <sstream>

#include "core/error.h"
#include "core/file_io.h"
#include "models/registry.h"

namespace dign::train {
namespace {

constexpr char kMagic[8] = {'D', 'I', 'G', 'N', 'C', 'K', 'P', 'T'};

template <typename T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

template <typename T>
T get(const std::vector<uint8_t>& bytes, size_t& pos, const std::string& path) {
  DIGN_CHECK(pos + sizeof(T) <= bytes.size(), path, ": checkpoint is truncated (", bytes.size(),
             " bytes)");
  T value;
  std::memcpy(&value, bytes.data() + pos, sizeof(T));
  pos += sizeof(T);
  return value;
}

nlohmann::json tensor_shapes(torch::nn::Module& model) {
  nlohmann::json shapes = nlohmann::json::object();
  for (const auto& p : model.named_parameters()) shapes[p.key()] = p.value().sizes().vec();
  for (const auto& b : model.named_buffers()) shapes[b.key()] = b.value().sizes().vec();
  return shapes;
}

struct Parsed {
  nlohmann::json meta;
  std::string payload;
};

Parsed parse(const std::string& path) {
  const auto bytes = read_file(path);
  DIGN_CHECK(bytes.size() >= sizeof(kMagic) && std::memcmp(bytes.data(), kMagic, 8) == 0, path,
             ": not a dign checkpoint (bad magic)");
  size_t pos = sizeof(kMagic);
  const auto version = get<uint32_t>(bytes, pos, path);
  DIGN_CHECK(version == kCheckpointFormatVersion, path, ": checkpoint format version ", version,
             ", but this dign reads version ", kCheckpointFormatVersion);
  DIGN_CHECK(bytes.size() >= pos + 8 + 8, path, ": checkpoint is truncated");
  const uint64_t stored = [&] {
    uint64_t v;
    std::memcpy(&v, bytes.data() + bytes.size() - 8, 8);
    return v;
  }();
  const uint64_t actual = XXH3_64bits(bytes.data(), bytes.size() - 8);
  DIGN_CHECK(stored == actual, path,
             ": checkpoint checksum mismatch (the file is truncated or damaged)");
  const auto meta_len = get<uint64_t>(bytes, pos, path);
  DIGN_CHECK(meta_len <= bytes.size() - pos, path, ": checkpoint is truncated (meta)");
  Parsed parsed;
  try {
    parsed.meta = nlohmann::json::parse(bytes.begin() + static_cast<long>(pos),
                                        bytes.begin() + static_cast<long>(pos + meta_len));
  } catch (const nlohmann::json::exception& e) {
    throw Error(detail::concat(path, ": checkpoint meta is not valid JSON (", e.what(), ")"));
  }
  pos += meta_len;
  const auto payload_len = get<uint64_t>(bytes, pos, path);
  DIGN_CHECK(payload_len == bytes.size() - pos - 8, path, ": checkpoint payload length ",
             payload_len, " disagrees with the file size");
  parsed.payload.assign(reinterpret_cast<const char*>(bytes.data() + pos), payload_len);
  return parsed;
}

}  // namespace

nlohmann::json model_meta(const std::string& arch, const models::ModelOptions& o) {
  return {{"arch", arch},
          {"model_options",
           {{"num_classes", o.num_classes()},
            {"width", o.width()},
            {"mean", o.mean()},
            {"std", o.std()}}}};
}

models::Classifier model_from_meta(const nlohmann::json& meta) {
  const auto& o = meta.at("model_options");
  models::ModelOptions options;
  options.num_classes(o.at("num_classes").get<int64_t>())
      .width(o.at("width").get<int64_t>())
      .mean(o.at("mean").get<std::array<double, 3>>())
      .std(o.at("std").get<std::array<double, 3>>());
  return models::make_model(meta.at("arch").get<std::string>(), options);
}

void save_checkpoint(const std::string& path, torch::nn::Module& model,
                     torch::optim::Optimizer* optimizer, nlohmann::json meta) {
  meta["format_version"] = kCheckpointFormatVersion;
  meta["tensors"] = tensor_shapes(model);
  meta["has_optimizer"] = optimizer != nullptr;
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive model_archive;
  model.save(model_archive);
  archive.write("model", model_archive);
  if (optimizer) {
    torch::serialize::OutputArchive optimizer_archive;
    optimizer->save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
  }
  std::ostringstream payload;
  archive.save_to(payload);
  const std::string meta_text = meta.dump();
  const std::string payload_text = payload.str();
  std::string file(kMagic, sizeof(kMagic));
  put<uint32_t>(file, kCheckpointFormatVersion);
  put<uint64_t>(file, meta_text.size());
  file += meta_text;
  put<uint64_t>(file, payload_text.size());
  file += payload_text;
  put<uint64_t>(file, XXH3_64bits(file.data(), file.size()));
  write_file_atomic(path, file);
}

nlohmann::json read_checkpoint_meta(const std::string& path) {
  return parse(path).meta;
}

nlohmann::json load_checkpoint(const std::string& path, torch::nn::Module& model,
                               torch::optim::Optimizer* optimizer) {
  Parsed parsed = parse(path);
  const auto expected = tensor_shapes(model);
  const auto& stored = parsed.meta.at("tensors");
  for (const auto& [name, shape] : expected.items()) {
    DIGN_CHECK(stored.contains(name), path, ": checkpoint lacks tensor '", name,
               "' (another architecture?)");
    DIGN_CHECK(stored.at(name) == shape, path, ": tensor '", name, "' has shape ",
               stored.at(name).dump(), " in the checkpoint but ", shape.dump(), " in the model");
  }
  for (const auto& [name, shape] : stored.items()) {
    DIGN_CHECK(expected.contains(name), path, ": checkpoint has tensor '", name,
               "' that the model lacks (another architecture?)");
  }
  try {
    std::istringstream payload(parsed.payload);
    torch::serialize::InputArchive archive;
    archive.load_from(payload);
    torch::serialize::InputArchive model_archive;
    archive.read("model", model_archive);
    model.load(model_archive);
    if (optimizer) {
      DIGN_CHECK(parsed.meta.value("has_optimizer", false), path,
                 ": checkpoint holds no optimizer state");
      torch::serialize::InputArchive optimizer_archive;
      archive.read("optimizer", optimizer_archive);
      optimizer->load(optimizer_archive);
    }
  } catch (const c10::Error& e) {
    throw Error(detail::concat(path, ": cannot read checkpoint payload (",
                               e.what_without_backtrace(), ")"));
  }
  return parsed.meta;
}

}  // namespace dign::train
