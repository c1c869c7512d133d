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

/// Writes a cell's records; returns the hash of the bytes written, which state.json keeps.
std::string write_records(const std::string& path, const PredictionRecords& r) {
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
  return fmt::format("{:016x}", XXH3_64bits(bytes.data(), bytes.size()));
}

/// Reads them back, checking their size and the hash state.json recorded for them.
void read_records(const std::string& path, const std::string& hash, PredictionRecords& r) {
  const size_t n = static_cast<size_t>(r.size());
  const std::vector<uint8_t> bytes = read_file(path);
  DIGN_CHECK(bytes.size() == n * kRecordBytes, path, ": expected ", n * kRecordBytes, " bytes (", n,
             " images), got ", bytes.size());
  DIGN_CHECK(fmt::format("{:016x}", XXH3_64bits(bytes.data(), bytes.size())) == hash, path,
             ": not the records its state.json recorded");
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
  // A log that is not resumed goes at once: none of its files may outlive it next to this
  // evaluation's (a stale cell-<k>.bin beside a new state.json).
  auto discard = [&](const std::string& why) {
    progress.warning(fmt::format("{}: {}; the evaluation starts over", dir_, why));
    remove();
    return size_t{0};
  };
  try {
    const nlohmann::json j = nlohmann::json::parse(read_text_file(state));
    if (j.at("key") != key_) {
      return discard(fmt::format("holds the cells of another evaluation ({} differ)",
                                 differing(j.at("key"), key_)));
    }
    const nlohmann::json& cells = j.at("cells");
    DIGN_CHECK(cells.is_array() && cells.size() <= total, state, ": ", cells.size(),
               " cells recorded for an evaluation of ", total);
    // Restored into a copy, so that a log that fails half-way leaves `results` as it was.
    CorruptedResults restored = results;
    std::vector<std::string> hashes;
    for (size_t k = 0; k < cells.size(); ++k) {
      ConditionResult& cell = restored.cells[k / severities][k % severities];
      restore_meters(cells[k], cell);
      if (cell.records.size() > 0) {
        hashes.push_back(cells[k].at("records_xxh3").get<std::string>());
        read_records(records_path(dir_, k), hashes.back(), cell.records);
      }
    }
    restore_meters(j.at("pooled_all"), restored.pooled_all);
    restore_meters(j.at("pooled_noise"), restored.pooled_noise);
    restored.seconds = restored.resumed_seconds = j.at("seconds").get<double>();
    results = std::move(restored);
    record_hashes_ = std::move(hashes);
    progress.message(fmt::format("{}: resuming after the {} of {} cells finished before", dir_,
                                 cells.size(), total));
    return cells.size();
  } catch (const std::exception& e) {
    return discard(fmt::format("cannot be resumed ({})", e.what()));
  }
}

void CellLog::save(size_t done, const CorruptedResults& results, Progress& progress) const {
  if (given_up_) return;
  const size_t severities = results.severities.size();
  DIGN_CHECK(done >= 1 && done <= results.corruptions.size() * severities,
             "CellLog::save: cell count ", done, " out of range");
  try {
    std::error_code error;
    fs::create_directories(dir_, error);
    DIGN_CHECK(!error, dir_, ": cannot create it (", error.message(), ")");
    const ConditionResult& last = results.cells[(done - 1) / severities][(done - 1) % severities];
    if (last.records.size() > 0) {
      record_hashes_.resize(done - 1);
      record_hashes_.push_back(write_records(records_path(dir_, done - 1), last.records));
    }
    nlohmann::json j;
    j["key"] = key_;
    j["of"] = results.corruptions.size() * severities;  // for `dign experiment status`
    j["seconds"] = results.seconds;
    j["cells"] = nlohmann::json::array();
    for (size_t k = 0; k < done; ++k) {
      j["cells"].push_back(meters_json(results.cells[k / severities][k % severities]));
      if (k < record_hashes_.size()) j["cells"][k]["records_xxh3"] = record_hashes_[k];
    }
    j["pooled_all"] = meters_json(results.pooled_all);
    j["pooled_noise"] = meters_json(results.pooled_noise);
    write_file_atomic((fs::path(dir_) / "state.json").string(), j.dump());
  } catch (const std::exception& e) {
    // The figures do not need the log: losing it costs only the resume.
    given_up_ = true;
    progress.warning(
        fmt::format("{}: cannot keep the finished cells ({}); an interruption "
                    "from here on starts the evaluation over",
                    dir_, e.what()));
  }
}

void CellLog::remove() const {
  std::error_code ignored;  // nothing is lost if it stays: the next evaluation replaces it
  fs::remove_all(dir_, ignored);
}

}  // namespace dign::eval
