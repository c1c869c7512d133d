#include "experiment/run_state.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/error.h"
#include "core/file_io.h"
#include "eval/cell_log_path.h"
#include "run/run_config.h"
#include "run/run_files.h"

namespace dign::experiment {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::optional<json> read_json(const std::string& path) {
  if (!fs::is_regular_file(path)) return std::nullopt;
  try {
    return json::parse(read_text_file(path));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string duration(double seconds) {
  if (seconds <= 0) return "";
  const auto s = static_cast<int64_t>(std::llround(seconds));
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

double mean(std::vector<double> v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

RunIndex::RunIndex(const std::string& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return;
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    if (e.is_directory() && fs::is_regular_file(e.path() / "config.json")) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  for (const auto& d : dirs) {
    try {
      const auto config = run::read_run_config((d / "config.json").string());
      by_hash_[identity_hash(run_identity(config.options))].push_back(d.string());
    } catch (const Error&) {
      // Not a run this version can read: never reused.
    }
  }
}

std::string RunIndex::directory_of(const RunSpec& run) const {
  if (fs::exists(run.options.out)) return run.options.out;
  const auto it = by_hash_.find(identity_hash(run.identity));
  if (it == by_hash_.end()) return run.options.out;
  // A hash match is confirmed on the whole identity (a collision is then never reused).
  for (const auto& dir : it->second) {
    try {
      if (run_identity(run::read_run_config(dir + "/config.json").options) == run.identity) {
        return dir;
      }
    } catch (const Error&) {
    }
  }
  return run.options.out;
}

const char* stage_name(Stage stage) {
  switch (stage) {
    case Stage::kPending:
      return "pending";
    case Stage::kInterrupted:
      return "pending (interrupted)";
    case Stage::kRunning:
      return "running";
    case Stage::kTrained:
      return "pending (evaluation)";
    case Stage::kDone:
      return "done";
  }
  return "?";
}

bool lock_held(const std::string& dir) {
  const std::string path = dir + "/lock";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
  ::close(fd);  // releases the probe's lock, if it got one
  return held;
}

std::string evaluation_missing(const std::string& path, const EvaluationSpec& spec) {
  const auto report = read_json(path);
  if (!report) {
    // An interrupted evaluation's kept cells (eval/cell_log.h), which the next run restores.
    const auto log = read_json(eval::cell_log_dir(path) + "/state.json");
    if (!log) return "no report";
    try {
      return fmt::format("no report; {} of {} corrupted cells kept", log->at("cells").size(),
                         log->at("of").get<int64_t>());
    } catch (const json::exception&) {
      return "no report";
    }
  }
  std::vector<std::string> missing;
  const json noise = report->value("gaussian_noise", json::array());
  for (double sigma : spec.noise_sigmas) {
    bool found = false;
    for (const auto& row : noise) found |= std::fabs(row.value("sigma", -1.0) - sigma) < 1e-9;
    if (!found) missing.push_back(fmt::format("noise sigma {}", sigma));
  }
  if (spec.test_limit > 0 &&
      report->value("clean", json::object()).value("images", 0) != spec.test_limit) {
    missing.push_back(fmt::format("{} test images", spec.test_limit));
  }
  if (!spec.corrupted.empty()) {
    const json c = report->value("corrupted", json());
    bool ok = c.is_object() && c.value("severities", json()) == json(spec.severities);
    if (ok && spec.corrupted == "generate") {
      const json set = c.value("set", json::object());
      ok = set.value("source", "") == "generated" &&
           set.value("seed", -1) == static_cast<int64_t>(spec.corruption_seed);
    }
    if (!ok) missing.push_back("corrupted set " + spec.corrupted);
  }
  const json adversarial = report->value("adversarial", json::array());
  for (const auto& a : spec.attacks) {
    bool found = false;
    for (const auto& r : adversarial) {
      found |= r.value("attack", "") == a.kind && r.value("norm", "") == a.norm &&
               std::fabs(r.value("epsilon", 0.0) - a.epsilon) < 1e-9 &&
               (a.kind != "pgd" || r.value("steps", 0) == a.steps) &&
               (a.limit == 0 || r.value("images", 0) == a.limit);
    }
    if (!found) missing.push_back("attack " + a.kind);
  }
  std::string text;
  for (const auto& m : missing) text += (text.empty() ? "" : ", ") + m;
  return text;
}

RunState run_state(const RunSpec& run, const std::string& dir, const EvaluationSpec& spec) {
  RunState s;
  s.dir = dir;
  s.reused = dir != run.options.out;
  const run::RunFiles files(dir);
  if (const auto config = read_json(files.config())) {
    s.train_images = config->value("data", json::object()).value("train_images", int64_t{0});
  }
  std::ifstream log(files.log());
  std::vector<double> speeds;
  for (std::string line; std::getline(log, line);) {
    try {
      const json j = json::parse(line);
      const json timing = j.value("timing", json::object());
      s.train_seconds += timing.value("train_seconds", 0.0);
      speeds.push_back(timing.value("images_per_second", 0.0));
      ++s.epochs_done;
    } catch (const std::exception&) {
    }
  }
  // The median epoch: an epoch spent stopped (SIGSTOP) or sharing the cores says nothing of
  // the speed the rest of the grid will run at, and a mean would carry it into the estimate
  // (with one or two epochs logged the median is their mean all the same).
  s.images_per_second = median(speeds);
  const std::string report = dir + "/" + spec.report;
  if (const auto r = read_json(report)) {
    // A resumed evaluation's seconds plus those its restored cells took before it stopped.
    const json timing = r->value("timing", json::object());
    s.eval_seconds = timing.value("seconds", 0.0) + timing.value("resumed_seconds", 0.0);
  }
  s.trained = fs::is_regular_file(files.metrics());
  if (lock_held(dir)) {
    s.stage = Stage::kRunning;
  } else if (s.trained) {
    s.eval_missing = spec.enabled ? evaluation_missing(report, spec) : "";
    s.stage = s.eval_missing.empty() ? Stage::kDone : Stage::kTrained;
  } else if (fs::is_regular_file(files.config())) {
    s.stage = Stage::kInterrupted;
  }
  return s;
}

std::vector<RunState> grid_state(const Grid& grid) {
  const RunIndex index(grid.runs_root);
  std::vector<RunState> states;
  for (const auto& run : grid.runs) {
    states.push_back(run_state(run, index.directory_of(run), grid.evaluation));
  }
  return states;
}

std::string status_table(const Grid& grid, const std::vector<RunState>& states) {
  std::string out =
      fmt::format("{}: {} runs under {}\n\n", grid.file, grid.runs.size(), grid.runs_root);
  out += "| run | setting | seed | state | epochs | train time | eval time | directory |\n";
  out += "|---|---|---:|---|---:|---:|---:|---|\n";
  // What the grid's own runs measured of `field` (epoch speed, evaluation time): the mean over
  // runs of the same method and architecture when there are some, else `of_all` over every run
  // that measured it (the median for evaluation times: an ensemble's evaluation, RSE's, takes
  // several times a single model's).
  auto measured = [&](const RunSpec& run, double RunState::*field,
                      double (*of_all)(std::vector<double>)) {
    std::vector<double> same, all;
    for (size_t i = 0; i < grid.runs.size(); ++i) {
      const double v = states[i].*field;
      if (v <= 0) continue;
      all.push_back(v);
      if (grid.runs[i].method == run.method && grid.runs[i].arch == run.arch) same.push_back(v);
    }
    return same.empty() ? of_all(std::move(all)) : mean(std::move(same));
  };
  double left = 0;
  int counts[5] = {0, 0, 0, 0, 0}, unknown = 0;
  int64_t images = 0;
  for (const auto& s : states) {
    images = std::max(images, s.train_images);
  }
  for (size_t i = 0; i < grid.runs.size(); ++i) {
    const auto& run = grid.runs[i];
    const auto& s = states[i];
    ++counts[static_cast<int>(s.stage)];
    std::string state = stage_name(s.stage);
    if (!s.eval_missing.empty() && s.stage == Stage::kTrained) state += ": " + s.eval_missing;
    if (s.stage == Stage::kRunning && s.trained) state += " (evaluation)";
    out +=
        fmt::format("| {} | {} | {} | {} | {}/{} | {} | {} | {}{} |\n", run.name, run.label,
                    run.seed, state, s.epochs_done, run.options.epochs, duration(s.train_seconds),
                    duration(s.eval_seconds), s.dir, s.reused ? " (reused)" : "");
    if (s.stage == Stage::kDone) continue;
    const double speed = measured(run, &RunState::images_per_second, mean);
    const int64_t n = s.train_images > 0 ? s.train_images : images;
    const int64_t epochs_left = std::max<int64_t>(0, run.options.epochs - s.epochs_done);
    if (epochs_left > 0 && (speed <= 0 || n <= 0)) {
      ++unknown;
    } else {
      left += static_cast<double>(epochs_left * n) / std::max(speed, 1e-9);
    }
    if (grid.evaluation.enabled) left += measured(run, &RunState::eval_seconds, median);
  }
  out += fmt::format(
      "\ndone {}, running {}, pending {} (of which interrupted {}, awaiting "
      "evaluation {})\n",
      counts[4], counts[2], counts[0] + counts[1] + counts[3], counts[1], counts[3]);
  if (grid.landscape.enabled) {
    std::string labels;
    for (const auto& l : grid.landscape.labels) labels += (labels.empty() ? "" : ", ") + l;
    const bool done = fs::exists(fs::path(grid.runs_root) / grid.landscape.name / "landscape.json");
    out += fmt::format("landscape {} (Figure 2 of {}, seed {}): {}\n", grid.landscape.name, labels,
                       grid.landscape.seed, done ? "done" : "pending");
  }
  out += fmt::format(
      "left: about {} of training and evaluation at the speeds measured in this grid's logs "
      "(each run's median epoch images/s; each method's own speed and evaluation time where "
      "measured)",
      left > 0 ? duration(left) : "0");
  if (unknown > 0) out += fmt::format("; {} runs with no measured speed not counted", unknown);
  return out + "\n";
}

}  // namespace dign::experiment
