#include "eval/cell_log.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "core/file_io.h"

namespace dign::eval {
namespace fs = std::filesystem;

namespace {

nlohmann::json meters_json(const ConditionResult& r) {
  nlohmann::json j = {{"correct", r.accuracy.correct()},
                      {"total", r.accuracy.total()},
                      {"calibration", r.calibration.exact_state()}};
  if (r.scaled) {
    j["scaled"] = r.scaled->exact_state();
    j["temperature"] = r.temperature;  // finite: JSON reads back the same double
  }
  return j;
}

void restore_meters(const nlohmann::json& j, ConditionResult& r) {
  r.accuracy.reset();
  r.accuracy.add(j.at("correct").get<int64_t>(), j.at("total").get<int64_t>());
  r.calibration.restore_state(j.at("calibration").get<std::vector<uint64_t>>());
  r.scaled.reset();
  if (j.contains("scaled")) {
    r.scaled.emplace(r.calibration.num_bins());
    r.scaled->restore_state(j.at("scaled").get<std::vector<uint64_t>>());
    r.temperature = j.at("temperature").get<double>();
  }
}

constexpr size_t kRecordBytes = sizeof(float) + sizeof(uint8_t) + 2 * sizeof(int32_t);

std::string records_path(const std::string& dir, size_t k) {
  return (fs::path(dir) / fmt::format("cell-{}.bin", k)).string();
}

void write_records(const std::string& path, const PredictionRecords& r) {
  const size_t n = static_cast<size_t>(r.size());
  std::vector<uint8_t> bytes(n * kRecordBytes);
  uint8_t* out = bytes.data();
  auto put = [&out](const void* from, size_t size) {
    std::memcpy(out, from, size);
    out += size;
  };
  put(r.confidence.data(), n * sizeof(float));
  put(r.correct.data(), n);
  put(r.predicted.data(), n * sizeof(int32_t));
  put(r.label.data(), n * sizeof(int32_t));
  write_file_atomic(path, bytes.data(), bytes.size());
}

void read_records(const std::string& path, PredictionRecords& r) {
  const size_t n = static_cast<size_t>(r.size());
  const std::vector<uint8_t> bytes = read_file(path);
  DIGN_CHECK(bytes.size() == n * kRecordBytes, path, ": expected ", n * kRecordBytes, " bytes (", n,
             " images), got ", bytes.size());
  const uint8_t* in = bytes.data();
  auto get = [&in](void* to, size_t size) {
    std::memcpy(to, in, size);
    in += size;
  };
  get(r.confidence.data(), n * sizeof(float));
  get(r.correct.data(), n);
  get(r.predicted.data(), n * sizeof(int32_t));
  get(r.label.data(), n * sizeof(int32_t));
}

/// The key's entries that differ, for the message that discards a log: "model, evaluation".
std::string differing(const nlohmann::json& recorded, const nlohmann::json& key) {
  std::string names;
  for (const auto& [name, value] : key.items()) {
    if (recorded.is_object() && recorded.contains(name) && recorded[name] == value) continue;
    names += (names.empty() ? "" : ", ") + name;
  }
  return names.empty() ? "its layout" : names;
}

}  // namespace

size_t CellLog::restore(CorruptedResults& results, Progress& progress) const {
  const std::string state = (fs::path(dir_) / "state.json").string();
  if (!fs::exists(state)) return 0;
  const size_t severities = results.severities.size();
  const size_t total = results.corruptions.size() * severities;
  try {
    const nlohmann::json j = nlohmann::json::parse(read_text_file(state));
    if (j.at("key") != key_) {
      progress.message(
          fmt::format("{}: finished cells of another evaluation ({} differ); "
                      "starting over",
                      dir_, differing(j.at("key"), key_)));
      return 0;
    }
    const nlohmann::json& cells = j.at("cells");
    DIGN_CHECK(cells.is_array() && cells.size() <= total, state, ": ", cells.size(),
               " cells recorded for an evaluation of ", total);
    // Restored into a copy, so that a log that fails half-way leaves `results` as it was.
    CorruptedResults restored = results;
    for (size_t k = 0; k < cells.size(); ++k) {
      ConditionResult& cell = restored.cells[k / severities][k % severities];
      restore_meters(cells[k], cell);
      if (cell.records.size() > 0) read_records(records_path(dir_, k), cell.records);
    }
    restore_meters(j.at("pooled_all"), restored.pooled_all);
    restore_meters(j.at("pooled_noise"), restored.pooled_noise);
    results = std::move(restored);
    progress.message(fmt::format("{}: resuming after the {} of {} cells finished before", dir_,
                                 cells.size(), total));
    return cells.size();
  } catch (const std::exception& e) {
    progress.message(fmt::format("{}: cannot be resumed ({}); starting over", dir_, e.what()));
    return 0;
  }
}

void CellLog::save(size_t done, const CorruptedResults& results) const {
  const size_t severities = results.severities.size();
  DIGN_CHECK(done >= 1 && done <= results.corruptions.size() * severities,
             "CellLog::save: cell count ", done, " out of range");
  std::error_code error;
  fs::create_directories(dir_, error);
  DIGN_CHECK(!error, dir_, ": cannot create the evaluation's cell log (", error.message(), ")");
  const ConditionResult& last = results.cells[(done - 1) / severities][(done - 1) % severities];
  if (last.records.size() > 0) write_records(records_path(dir_, done - 1), last.records);
  nlohmann::json j;
  j["key"] = key_;
  j["of"] = results.corruptions.size() * severities;  // for `dign experiment status`
  j["cells"] = nlohmann::json::array();
  for (size_t k = 0; k < done; ++k) {
    j["cells"].push_back(meters_json(results.cells[k / severities][k % severities]));
  }
  j["pooled_all"] = meters_json(results.pooled_all);
  j["pooled_noise"] = meters_json(results.pooled_noise);
  write_file_atomic((fs::path(dir_) / "state.json").string(), j.dump());
}

std::string weights_hash(torch::nn::Module& model) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  auto add = [state](const std::string& name, const torch::Tensor& value) {
    const torch::Tensor t = value.detach().cpu().contiguous();
    XXH3_64bits_update(state, name.data(), name.size());
    XXH3_64bits_update(state, t.data_ptr(), t.nbytes());
  };
  for (const auto& p : model.named_parameters()) add(p.key(), p.value());
  for (const auto& b : model.named_buffers()) add(b.key(), b.value());
  const uint64_t hash = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return fmt::format("xxh3:{:016x}", hash);
}

void CellLog::remove() const {
  std::error_code ignored;  // nothing is lost if it stays: the next evaluation replaces it
  fs::remove_all(dir_, ignored);
}

}  // namespace dign::eval
