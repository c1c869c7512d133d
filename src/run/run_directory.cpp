#include "run/run_directory.h"

#include <filesystem>
#include <sstream>

#include "core/error.h"
#include "core/file_io.h"
#include "run/checkpoint_format.h"

namespace dign::run {
namespace fs = std::filesystem;

void RunDirectory::check_free(const std::string& dir) {
  DIGN_CHECK_OPTION(!fs::exists(RunFiles(dir).config()), "out", dir,
                    ": already holds a run (config.json); continue it with --resume ", dir,
                    " or choose a fresh directory");
}

RunDirectory RunDirectory::create(const std::string& dir, const nlohmann::json& config) {
  check_free(dir);
  RunFiles files(dir);
  const std::string text = config.dump(2) + "\n";
  RunConfig parsed = parse_run_config(text, files.config());
  auto lock = std::make_unique<RunLock>(dir);
  // Checked again under the lock: another process may have started a run meanwhile.
  DIGN_CHECK_OPTION(!fs::exists(files.config()), "out", dir, ": already holds a run");
  write_file_atomic(files.config(), text);
  return RunDirectory(std::move(files), std::move(lock), std::move(parsed));
}

RunDirectory RunDirectory::open(const std::string& dir) {
  RunFiles files(dir);
  DIGN_CHECK_OPTION(fs::exists(files.config()), "resume", dir, ": no run to resume (",
                    files.config(), " is missing)");
  auto lock = std::make_unique<RunLock>(dir);
  RunConfig config = read_run_config(files.config());
  return RunDirectory(std::move(files), std::move(lock), std::move(config));
}

RunDirectory RunDirectory::open_shared(const std::string& dir) {
  RunFiles files(dir);
  DIGN_CHECK_OPTION(fs::exists(files.config()), "resume", dir, ": no run (", files.config(),
                    " is missing)");
  RunConfig config = read_run_config(files.config());
  return RunDirectory(std::move(files), nullptr, std::move(config));
}

void RunDirectory::update_config(const nlohmann::json& config) {
  const std::string text = config.dump(2) + "\n";
  config_ = parse_run_config(text, files_.config());
  write_file_atomic(files_.config(), text);
}

std::string RunDirectory::checkpoint_path(int64_t step) const {
  fs::create_directories(files_.checkpoint_dir());
  return files_.checkpoint(step);
}

void RunDirectory::write_log(const std::vector<nlohmann::json>& lines) const {
  std::string text;
  for (const auto& line : lines) text += line.dump() + "\n";
  write_file_atomic(files_.log(), text);
}

void RunDirectory::write_metrics(const nlohmann::json& metrics) const {
  write_file_atomic(files_.metrics(), metrics.dump(2) + "\n");
}

namespace {

TrainState state_of(const nlohmann::json& meta, const RunFiles& files, const std::string& path) {
  if (meta.contains("state")) return train_state_from_json(meta.at("state"), path);
  // dign 0.1: epoch-end checkpoints, the log kept beside them.
  TrainState state;
  state.epoch = meta.at("epoch").get<int64_t>();
  state.step = meta.at("step").get<int64_t>();
  state.best_accuracy = meta.at("best_accuracy").get<double>();
  state.best_epoch = meta.at("best_epoch").get<int64_t>();
  std::istringstream lines(read_text_file(files.log()));
  for (std::string line;
       std::getline(lines, line) && static_cast<int64_t>(state.log.size()) < state.epoch;) {
    state.log.push_back(nlohmann::json::parse(line));
  }
  DIGN_CHECK(static_cast<int64_t>(state.log.size()) == state.epoch, files.log(),
             ": fewer lines than the checkpoint's ", state.epoch, " epochs");
  return state;
}

}  // namespace

std::optional<SavedPosition> RunDirectory::newest_checkpoint(Progress& progress) const {
  const auto candidates = files_.checkpoints_newest_first();
  std::string failures;
  for (const auto& path : candidates) {
    try {
      const auto bytes = read_file(path);
      const nlohmann::json meta = decode_checkpoint(bytes.data(), bytes.size(), path).meta;
      return SavedPosition{path, state_of(meta, files_, path)};
    } catch (const std::exception& e) {
      progress.warning("skipping checkpoint " + path + ": " + e.what());
      failures += std::string(failures.empty() ? "" : "; ") + e.what();
    }
  }
  DIGN_CHECK(candidates.empty(), dir(), ": no readable checkpoint (", failures, ")");
  return std::nullopt;
}

}  // namespace dign::run
