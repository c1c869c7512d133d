#include "eval/corruption_eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <future>
#include <numeric>

#include "core/error.h"
#include "core/fault.h"
#include "core/stop_signal.h"
#include "data/loader.h"
#include "eval/cell_log.h"
#include "eval/report.h"

namespace dign::eval {

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

struct RawBatch {
  std::vector<uint8_t> pixels;
  int64_t begin = 0;
  int64_t count = 0;
};

}  // namespace

CorruptedResults evaluate_corrupted(models::ClassifierImpl& model, const data::CorruptedSet& set,
                                    const torch::Device& device, const EvalOptions& options,
                                    const CorruptionEvalOptions& co, Progress& progress,
                                    const CellLog* log) {
  options.validate();
  model.eval();
  CorruptedResults results(options.bins);
  results.corruptions = set.corruptions();
  results.severities = set.severities();
  const int64_t n = set.size(), h = set.height(), w = set.width();
  const torch::Tensor all_labels =
      torch::from_blob(const_cast<int64_t*>(set.labels().data()), {n}, torch::kInt64);

  results.cells.assign(results.corruptions.size(), {});
  for (auto& row : results.cells) {
    for (size_t s = 0; s < results.severities.size(); ++s) {
      row.emplace_back(options.bins);
      if (options.keep_predictions()) row.back().records.resize(n);
    }
  }
  // The cells an interrupted evaluation finished, and the pooled meters as they were after them.
  const size_t restored = log != nullptr ? log->restore(results, progress) : 0;
  results.resumed_cells = restored;

  // Every (corruption, severity, batch) still to score, in order; batch k + 1 is read (or
  // generated) on another thread while the model scores batch k.
  struct Job {
    size_t c, s;
    int64_t begin, count;
  };
  std::vector<Job> jobs;
  const size_t severities = set.severities().size();
  for (size_t c = 0; c < set.corruptions().size(); ++c) {
    for (size_t s = 0; s < severities; ++s) {
      if (c * severities + s < restored) continue;
      for (int64_t b = 0; b < n; b += options.batch_size) {
        jobs.push_back({c, s, b, std::min(options.batch_size, n - b)});
      }
    }
  }
  // A rank of a sharded evaluation scores its rows of each batch only (score_batch): it reads
  // (for a generated set: corrupts) only those; the others stay zero.
  const distributed::EvalShards* shards = options.shards.get();
  const bool sharded = shards != nullptr && shards->size > 1;
  auto fetch = [&set, shards, sharded](Job job) {
    RawBatch raw;
    raw.begin = job.begin;
    raw.count = job.count;
    raw.pixels.resize(static_cast<size_t>(job.count * set.image_bytes()));
    if (!sharded) {
      set.read(job.c, job.s, job.begin, job.count, raw.pixels.data());
    } else {
      set.read_rows(job.c, job.s, job.begin, job.count,
                    distributed::shard_positions(job.count, *shards), raw.pixels.data());
    }
    return raw;
  };
  auto start = std::chrono::steady_clock::now();
  std::future<RawBatch> next;
  if (!jobs.empty()) next = std::async(std::launch::async, fetch, jobs[0]);
  for (size_t k = 0; k < jobs.size(); ++k) {
    RawBatch raw = next.get();
    if (k + 1 < jobs.size()) next = std::async(std::launch::async, fetch, jobs[k + 1]);
    const Job& job = jobs[k];
    const torch::Tensor images = data::to_float_batch(raw.pixels.data(), raw.count, h, w);
    std::vector<int64_t> indices(static_cast<size_t>(raw.count));
    std::iota(indices.begin(), indices.end(), raw.begin);
    ConditionResult& cell = results.cells[job.c][job.s];
    ConditionResult batch(options.bins);
    score_batch(model, images, all_labels.slice(0, raw.begin, raw.begin + raw.count), indices,
                device, options, batch, options.keep_predictions() ? &cell.records : nullptr);
    cell.merge(batch);
    const std::string& name = results.corruptions[job.c];
    if (name != co.excluded) {
      results.pooled_all.merge(batch);
      if (contains(co.noise_set, name)) results.pooled_noise.merge(batch);
    }
    const bool cell_done = job.begin + job.count == n;
    if (cell_done) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      progress.message(fmt::format("{} severity {}: accuracy {:.4f}  ({:.0f} images/s)", name,
                                   results.severities[job.s], cell.accuracy.value(),
                                   static_cast<double>(n) / seconds));
      start = std::chrono::steady_clock::now();
      results.seconds += seconds;
      if (log != nullptr) {
        if (fault_fires("eval-sigterm")) std::raise(SIGTERM);  // reliability tests
        log->save(job.c * severities + job.s + 1, results, progress);
        kill_point("eval-cell");  // reliability tests: a crash once a cell is kept
        if (const int sig = stop_requested(); sig != 0) throw Stopped(sig);
      }
    }
  }
  for (size_t c = 0; c < results.corruptions.size(); ++c) {
    for (size_t s = 0; s < results.severities.size(); ++s) {
      results.cells[c][s].name = results.corruptions[c];
    }
  }
  return results;
}

nlohmann::json corrupted_json(const CorruptedResults& r, const data::CorruptedSet& set,
                              const CorruptionEvalOptions& co) {
  nlohmann::json per = nlohmann::json::array();
  double mca_sum = 0, mca_n_sum = 0;
  int64_t mca_count = 0, mca_n_count = 0;
  for (size_t c = 0; c < r.corruptions.size(); ++c) {
    const std::string& name = r.corruptions[c];
    const bool noise = contains(co.noise_set, name);
    const bool counted = name != co.excluded;
    nlohmann::json rows = nlohmann::json::array();
    double sum = 0;
    for (size_t s = 0; s < r.severities.size(); ++s) {
      nlohmann::json cell = condition_json(r.cells[c][s]);
      cell.erase("bins");
      if (cell.contains("temperature_scaled")) cell["temperature_scaled"].erase("bins");
      cell["severity"] = r.severities[s];
      rows.push_back(cell);
      sum += r.cells[c][s].accuracy.value();
    }
    const double mean = sum / static_cast<double>(r.severities.size());
    if (counted) {
      mca_sum += mean;
      ++mca_count;
      if (noise) {
        mca_n_sum += mean;
        ++mca_n_count;
      }
    }
    per.push_back({{"name", name},
                   {"noise", noise},
                   {"in_mca", counted},
                   {"mean_accuracy", mean},
                   {"severities", rows}});
  }
  nlohmann::json j;
  j["set"] = set.describe();
  j["severities"] = r.severities;
  j["images_per_severity"] = set.size();
  j["noise_set"] = co.noise_set;
  j["excluded"] = co.excluded;
  j["per_corruption"] = per;
  j["mca_corruptions"] = mca_count;
  j["mca"] = mca_count > 0 ? nlohmann::json(mca_sum / static_cast<double>(mca_count))
                           : nlohmann::json(nullptr);
  j["mean_corruption_error_unnormalized"] =
      mca_count > 0 ? nlohmann::json(1.0 - mca_sum / static_cast<double>(mca_count))
                    : nlohmann::json(nullptr);
  j["mca_n_corruptions"] = mca_n_count;
  if (mca_n_count > 0) {
    j["mca_n"] = mca_n_sum / static_cast<double>(mca_n_count);
  } else {
    j["mca_n"] = nullptr;
    j["mca_n_note"] =
        "no corruption of the noise set (other than " + co.excluded + ") is present in this set";
  }
  j["all"] = mca_count > 0 ? condition_json(r.pooled_all) : nlohmann::json(nullptr);
  j["noise"] = mca_n_count > 0 ? condition_json(r.pooled_noise) : nlohmann::json(nullptr);
  return j;
}

}  // namespace dign::eval
