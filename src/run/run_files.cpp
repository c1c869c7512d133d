#include "run/run_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "core/error.h"

namespace dign::run {
namespace fs = std::filesystem;

namespace {
constexpr const char* kPrefix = "step-";
constexpr const char* kSuffix = ".ckpt";

/// Step number of "step-000000123.ckpt", or -1 for any other name.
int64_t step_of(const std::string& name) {
  const std::string prefix(kPrefix), suffix(kSuffix);
  if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return -1;
  }
  const std::string digits =
      name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (digits.empty() || digits.size() > 18 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return -1;
  }
  return std::stoll(digits);
}

std::vector<std::pair<int64_t, std::string>> step_checkpoints(const std::string& dir) {
  std::vector<std::pair<int64_t, std::string>> found;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return found;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const int64_t step = step_of(entry.path().filename().string());
    if (step >= 0 && entry.is_regular_file(ec)) found.emplace_back(step, entry.path().string());
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a > b; });
  return found;
}
}  // namespace

std::string RunFiles::config() const {
  return (fs::path(dir) / "config.json").string();
}
std::string RunFiles::log() const {
  return (fs::path(dir) / "log.jsonl").string();
}
std::string RunFiles::metrics() const {
  return (fs::path(dir) / "metrics.json").string();
}
std::string RunFiles::best() const {
  return (fs::path(dir) / "best.ckpt").string();
}
std::string RunFiles::checkpoint_dir() const {
  return (fs::path(dir) / "checkpoints").string();
}
std::string RunFiles::checkpoint(int64_t step) const {
  return (fs::path(checkpoint_dir()) / fmt::format("{}{:09}{}", kPrefix, step, kSuffix)).string();
}

std::vector<std::string> RunFiles::checkpoints_newest_first() const {
  std::vector<std::string> paths;
  for (const auto& [step, path] : step_checkpoints(checkpoint_dir())) paths.push_back(path);
  return paths;
}

void RunFiles::prune_checkpoints(int64_t keep) const {
  const auto found = step_checkpoints(checkpoint_dir());
  for (size_t i = static_cast<size_t>(std::max<int64_t>(keep, 1)); i < found.size(); ++i) {
    std::error_code ec;
    fs::remove(found[i].second, ec);  // best effort: an extra old checkpoint harms nothing
  }
}

void RunFiles::remove_stale_temporaries() const {
  for (const std::string& folder : {dir, checkpoint_dir()}) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) continue;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos) {
        fs::remove(entry.path(), ec);
      }
    }
  }
}

std::string resolve_checkpoint(const std::string& dir, const std::string& which) {
  if (which == "best") return RunFiles(dir).best();
  if (which == "last") {
    const auto all = RunFiles(dir).checkpoints_newest_first();
    DIGN_CHECK(!all.empty(), dir, ": the run has no checkpoint yet (looked in ",
               RunFiles(dir).checkpoint_dir(), ")");
    return all.front();
  }
  return which;
}

}  // namespace dign::run
