#include "eval/bootstrap_eval.h"

#include <cmath>
#include <limits>

#include "core/error.h"

namespace dign::eval {

namespace {
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
}  // namespace

int64_t CorruptedPredictions::images() const {
  return cells.empty() || cells.front().empty() ? 0 : cells.front().front().size();
}

metrics::CalibrationStats condition_stats(const metrics::BinnedPredictions& predictions,
                                          const uint32_t* counts) {
  metrics::BinSums sums(predictions.bins());
  predictions.accumulate(counts, sums);
  return sums.stats();
}

CorruptedStats corrupted_stats(const CorruptedPredictions& p, const uint32_t* counts) {
  CorruptedStats s;
  metrics::BinSums all(p.bins), noise(p.bins), cell(p.bins);
  double mca = 0, mca_n = 0;
  int mca_count = 0, mca_n_count = 0;
  for (size_t c = 0; c < p.cells.size(); ++c) {
    s.cells.emplace_back();
    double sum = 0;
    for (const auto& predictions : p.cells[c]) {
      cell.clear();
      predictions.accumulate(counts, cell);
      s.cells.back().push_back(cell.stats());
      sum += s.cells.back().back().accuracy;
      if (p.in_mca[c]) {
        all.merge(cell);
        if (p.noise[c]) noise.merge(cell);
      }
    }
    const double mean = sum / static_cast<double>(p.cells[c].size());
    s.mean_accuracy.push_back(mean);
    if (p.in_mca[c]) {
      mca += mean;
      ++mca_count;
      if (p.noise[c]) {
        mca_n += mean;
        ++mca_n_count;
      }
    }
  }
  s.mca = mca_count > 0 ? mca / mca_count : kNan;
  s.mca_n = mca_n_count > 0 ? mca_n / mca_n_count : kNan;
  s.all = all.stats();
  s.noise = noise.stats();
  return s;
}

namespace {

nlohmann::json interval_json(std::vector<double> samples) {
  const auto ci = metrics::percentile_interval(std::move(samples));
  return ci ? nlohmann::json::array({ci->low, ci->high}) : nlohmann::json(nullptr);
}

template <typename Get>
void add_interval(nlohmann::json& record, const std::string& name, size_t resamples, Get get) {
  if (!record.contains(name)) return;
  if (record[name].is_null()) {
    record[name + "_ci95"] = nullptr;
    return;
  }
  std::vector<double> samples(resamples);
  for (size_t b = 0; b < resamples; ++b) samples[b] = get(b);
  record[name + "_ci95"] = interval_json(std::move(samples));
}

template <typename Stats>
void add_stats_intervals(nlohmann::json& record, size_t resamples, Stats stats) {
  add_interval(record, "accuracy", resamples, [&](size_t b) { return stats(b).accuracy; });
  add_interval(record, "ece", resamples, [&](size_t b) { return stats(b).ece; });
  add_interval(record, "rmse", resamples, [&](size_t b) { return stats(b).rmse; });
  add_interval(record, "oe", resamples, [&](size_t b) { return stats(b).oe; });
  add_interval(record, "sharpness", resamples, [&](size_t b) { return stats(b).sharpness; });
}

}  // namespace

void add_intervals(nlohmann::json& record, const std::vector<metrics::CalibrationStats>& samples) {
  add_stats_intervals(record, samples.size(),
                      [&](size_t b) -> const metrics::CalibrationStats& { return samples[b]; });
}

void add_corrupted_intervals(nlohmann::json& k, const std::vector<CorruptedStats>& samples) {
  const size_t resamples = samples.size();
  auto& per = k.at("per_corruption");
  for (size_t c = 0; c < per.size(); ++c) {
    auto& rows = per[c].at("severities");
    for (size_t s = 0; s < rows.size(); ++s) {
      add_stats_intervals(rows[s], resamples, [&](size_t b) -> const metrics::CalibrationStats& {
        return samples[b].cells[c][s];
      });
    }
    add_interval(per[c], "mean_accuracy", resamples,
                 [&](size_t b) { return samples[b].mean_accuracy[c]; });
  }
  add_interval(k, "mca", resamples, [&](size_t b) { return samples[b].mca; });
  add_interval(k, "mean_corruption_error_unnormalized", resamples,
               [&](size_t b) { return 1.0 - samples[b].mca; });
  add_interval(k, "mca_n", resamples, [&](size_t b) { return samples[b].mca_n; });
  if (k.contains("all") && k["all"].is_object()) {
    add_stats_intervals(k["all"], resamples, [&](size_t b) -> const metrics::CalibrationStats& {
      return samples[b].all;
    });
  }
  if (k.contains("noise") && k["noise"].is_object()) {
    add_stats_intervals(k["noise"], resamples, [&](size_t b) -> const metrics::CalibrationStats& {
      return samples[b].noise;
    });
  }
}

nlohmann::json bootstrap_record(int64_t resamples, uint64_t seed) {
  return {{"resamples", resamples},
          {"seed", seed},
          {"level", 0.95},
          {"method",
           "percentile bootstrap over test images: each resample draws the n test images with "
           "replacement (counter-based draws from the evaluation seed and the resample number) "
           "and rescores every condition on them from the per-image (confidence, correct) "
           "records; each corruption x severity cell keeps its n images (stratified by cell), "
           "mCA, mCA-N and the pooled calibration are recomputed from the cells; <name>_ci95 = "
           "[2.5%, 97.5%] quantiles of the resampled values (linear interpolation)"}};
}

CorruptedPredictions corrupted_predictions(const nlohmann::json& k,
                                           const std::vector<const PredictionRecords*>& cells,
                                           int64_t bins) {
  CorruptedPredictions p;
  p.bins = bins;
  const auto& per = k.at("per_corruption");
  const size_t severities = k.at("severities").size();
  DIGN_CHECK(cells.size() == per.size() * severities, "corrupted_predictions: ", cells.size(),
             " cells for ", per.size(), " corruptions x ", severities, " severities");
  for (size_t c = 0; c < per.size(); ++c) {
    p.in_mca.push_back(per[c].at("in_mca").get<bool>());
    p.noise.push_back(per[c].at("noise").get<bool>());
    p.cells.emplace_back();
    for (size_t s = 0; s < severities; ++s) {
      p.cells.back().push_back(cells[c * severities + s]->binned(bins));
    }
  }
  return p;
}

}  // namespace dign::eval
