#include "eval/compare.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <functional>

#include "core/error.h"
#include "core/file_io.h"
#include "core/parallel.h"
#include "eval/bootstrap_eval.h"

namespace dign::eval {
namespace fs = std::filesystem;

void CompareOptions::validate() const {
  DIGN_CHECK_OPTION(resamples >= 1, "bootstrap",
                    "expected at least 1 resample (1000 is the usual choice), got ", resamples);
  DIGN_CHECK_OPTION(threads >= 1, "threads", "expected at least 1, got ", threads);
}

namespace {

nlohmann::json read_report(const std::string& path) {
  DIGN_CHECK(fs::is_regular_file(path), path, ": no such file (expected a dign eval report)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_text_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw Error(detail::concat(path, ": not valid JSON (", e.what(), ")"));
  }
  DIGN_CHECK(j.is_object() && j.contains("clean") && j.contains("provenance"), path,
             ": not a dign eval report (no clean or provenance section)");
  DIGN_CHECK(j.contains("predictions") && j["predictions"].contains("dir"), path,
             ": has no per-image predictions (evaluate with dign eval --save-predictions DIR)");
  return j;
}

// B must have been evaluated on A's images, noise draws and corrupted set.
void check_same_images(const nlohmann::json& a, const nlohmann::json& b, const CompareOptions& o) {
  auto same = [&](const nlohmann::json& x, const nlohmann::json& y, const std::string& what) {
    DIGN_CHECK(x == y, o.b, ": evaluated on other ", what, " than ", o.a, " (", y.dump(), " vs ",
               x.dump(), "); a paired comparison needs the same images");
  };
  const auto& pa = a.at("provenance");
  const auto& pb = b.at("provenance");
  same(pa.value("test_hash", nlohmann::json()), pb.value("test_hash", nlohmann::json()),
       "test images (test_hash)");
  same(pa.value("test_images", nlohmann::json()), pb.value("test_images", nlohmann::json()),
       "test images (count)");
  same(pa.value("seed", nlohmann::json()), pb.value("seed", nlohmann::json()),
       "noise draws (evaluation seed)");
  same(a.at("binning").at("bins"), b.at("binning").at("bins"), "calibration bins");
  auto sigmas = [](const nlohmann::json& r) {
    nlohmann::json s = nlohmann::json::array();
    for (const auto& g : r.value("gaussian_noise", nlohmann::json::array()))
      s.push_back(g["sigma"]);
    return s;
  };
  same(sigmas(a), sigmas(b), "Gaussian noise levels");
  DIGN_CHECK(a.contains("corrupted") == b.contains("corrupted"), o.b, ": ",
             b.contains("corrupted") ? "has" : "has no", " corrupted section but ", o.a,
             a.contains("corrupted") ? " has one" : " has none");
  if (!a.contains("corrupted")) return;
  const auto& ka = a["corrupted"];
  const auto& kb = b["corrupted"];
  for (const char* key : {"set", "severities", "images_per_severity", "noise_set", "excluded"}) {
    same(ka.value(key, nlohmann::json()), kb.value(key, nlohmann::json()),
         std::string("corrupted set (") + key + ")");
  }
  auto names = [](const nlohmann::json& k) {
    nlohmann::json n = nlohmann::json::array();
    for (const auto& c : k.at("per_corruption")) n.push_back(c.at("name"));
    return n;
  };
  same(names(ka), names(kb), "corruptions");
}

// One model's saved predictions, binned.
struct Model {
  metrics::BinnedPredictions clean;
  std::vector<metrics::BinnedPredictions> noise;
  bool corrupted = false;
  CorruptedPredictions cells;
};

Model load_model(const nlohmann::json& report) {
  const std::string dir = report["predictions"]["dir"].get<std::string>();
  const int64_t bins = report.at("binning").at("bins").get<int64_t>();
  Model m;
  m.clean = read_predictions(dir, "clean", {}).front().binned(bins);
  const auto levels =
      static_cast<int64_t>(report.value("gaussian_noise", nlohmann::json::array()).size());
  if (levels > 0) {
    for (const auto& r : read_predictions(dir, "gaussian_noise", {levels})) {
      m.noise.push_back(r.binned(bins));
    }
  }
  if (report.contains("corrupted")) {
    const auto& k = report["corrupted"];
    const auto corruptions = static_cast<int64_t>(k.at("per_corruption").size());
    const auto severities = static_cast<int64_t>(k.at("severities").size());
    const auto records = read_predictions(dir, "corrupted", {corruptions, severities});
    std::vector<const PredictionRecords*> cells;
    for (const auto& r : records) cells.push_back(&r);
    m.corrupted = true;
    m.cells = corrupted_predictions(k, cells, bins);
  }
  return m;
}

struct Metric {
  std::string name;
  bool higher_is_better;
  std::function<double(const Model&, const uint32_t* test, const uint32_t* corrupted)> value;
};

std::vector<Metric> metrics_of(const Model& m, const nlohmann::json& report) {
  using metrics::CalibrationStats;
  std::vector<Metric> out;
  auto clean = [](auto get) {
    return [get](const Model& x, const uint32_t* t, const uint32_t*) {
      return get(condition_stats(x.clean, t));
    };
  };
  out.push_back(
      {"clean accuracy", true, clean([](const CalibrationStats& s) { return s.accuracy; })});
  out.push_back({"clean ECE", false, clean([](const CalibrationStats& s) { return s.ece; })});
  out.push_back({"clean RMSE", false, clean([](const CalibrationStats& s) { return s.rmse; })});
  for (size_t l = 0; l < m.noise.size(); ++l) {
    const double sigma = report["gaussian_noise"][l]["sigma"].get<double>();
    out.push_back({fmt::format("accuracy, noise sigma {}", sigma), true,
                   [l](const Model& x, const uint32_t* t, const uint32_t*) {
                     return condition_stats(x.noise[l], t).accuracy;
                   }});
    out.push_back({fmt::format("RMSE, noise sigma {}", sigma), false,
                   [l](const Model& x, const uint32_t* t, const uint32_t*) {
                     return condition_stats(x.noise[l], t).rmse;
                   }});
  }
  if (!m.corrupted) return out;
  // The corrupted figures share one corrupted_stats per model and resample: see compare_reports.
  const char* names[] = {"mCA", "mCA-N", "RMSE (all corruptions, pooled)", "RMSE-N", "ECE-N"};
  const bool higher[] = {true, true, false, false, false};
  for (int i = 0; i < 5; ++i) out.push_back({names[i], higher[i], nullptr});
  return out;
}

double corrupted_figure(const CorruptedStats& s, int i) {
  switch (i) {
    case 0:
      return s.mca;
    case 1:
      return s.mca_n;
    case 2:
      return s.all.rmse;
    case 3:
      return s.noise.rmse;
    default:
      return s.noise.ece;
  }
}

// Every metric of one model on one weighting (nullptr = the sample itself).
std::vector<double> figures(const Model& m, const std::vector<Metric>& metrics,
                            const uint32_t* test, const uint32_t* corrupted) {
  std::vector<double> out;
  int corrupted_index = 0;
  CorruptedStats k;
  if (m.corrupted) k = corrupted_stats(m.cells, corrupted);
  for (const auto& metric : metrics) {
    out.push_back(metric.value ? metric.value(m, test, corrupted)
                               : corrupted_figure(k, corrupted_index++));
  }
  return out;
}

}  // namespace

nlohmann::json compare_reports(const CompareOptions& o) {
  o.validate();
  const nlohmann::json ra = read_report(o.a);
  const nlohmann::json rb = read_report(o.b);
  check_same_images(ra, rb, o);
  const Model a = load_model(ra);
  const Model b = load_model(rb);
  DIGN_CHECK(a.clean.size() == b.clean.size(), o.b, ": predictions for ", b.clean.size(),
             " images but ", o.a, " has ", a.clean.size());
  const std::vector<Metric> metrics = metrics_of(a, ra);
  const size_t count = metrics.size();
  const int64_t n = a.clean.size();
  const int64_t n_corrupted = a.corrupted ? a.cells.images() : 0;

  // diffs[r][metric]: A - B on resample r; better[r][metric]: A strictly better.
  std::vector<std::vector<double>> diffs(static_cast<size_t>(o.resamples));
  std::vector<std::vector<char>> better(static_cast<size_t>(o.resamples));
  parallel_chunks(o.resamples, o.threads, [&](int64_t begin, int64_t end) {
    std::vector<uint32_t> test, corrupted;
    for (int64_t r = begin; r < end; ++r) {
      metrics::bootstrap_counts(o.seed, r, n, test);
      metrics::bootstrap_counts(o.seed, r, n_corrupted, corrupted);
      const auto fa = figures(a, metrics, test.data(), corrupted.data());
      const auto fb = figures(b, metrics, test.data(), corrupted.data());
      auto& d = diffs[static_cast<size_t>(r)];
      auto& w = better[static_cast<size_t>(r)];
      for (size_t i = 0; i < count; ++i) {
        d.push_back(fa[i] - fb[i]);
        w.push_back(metrics[i].higher_is_better ? fa[i] > fb[i] : fa[i] < fb[i]);
      }
    }
  });
  const auto sample_a = figures(a, metrics, nullptr, nullptr);
  const auto sample_b = figures(b, metrics, nullptr, nullptr);
  nlohmann::json rows = nlohmann::json::array();
  auto number = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(); };
  for (size_t i = 0; i < count; ++i) {
    std::vector<double> d;
    double wins = 0;
    for (size_t r = 0; r < diffs.size(); ++r) {
      d.push_back(diffs[r][i]);
      wins += better[r][i];
    }
    const auto ci = metrics::percentile_interval(d);
    rows.push_back({{"metric", metrics[i].name},
                    {"higher_is_better", metrics[i].higher_is_better},
                    {"a", number(sample_a[i])},
                    {"b", number(sample_b[i])},
                    {"difference", number(sample_a[i] - sample_b[i])},
                    {"difference_ci95",
                     ci ? nlohmann::json::array({ci->low, ci->high}) : nlohmann::json(nullptr)},
                    {"a_better_fraction", wins / static_cast<double>(diffs.size())}});
  }
  nlohmann::json out = {
      {"a", o.a},
      {"b", o.b},
      {"a_model", ra.value("model", nlohmann::json())},
      {"b_model", rb.value("model", nlohmann::json())},
      {"resamples", o.resamples},
      {"seed", o.seed},
      {"images", n},
      {"rows", rows},
      {"method",
       "paired percentile bootstrap over test images: resample r draws the n test images with "
       "replacement (counter-based draws from the seed and r, as dign eval --bootstrap) and both "
       "models are rescored on the same drawn images from their saved per-image predictions; "
       "every corruption x severity cell keeps its n images (stratified by cell) and mCA, "
       "mCA-N and the pooled calibration are recomputed from the cells; the interval is the "
       "[2.5%, 97.5%] quantiles of the resampled differences A - B (linear interpolation); "
       "'A better' is the fraction of resamples in which A's figure is strictly better (higher "
       "accuracy, lower calibration error)"}};
  out["test_hash"] = ra["provenance"].value("test_hash", nlohmann::json());
  if (ra.contains("corrupted"))
    out["corrupted_set"] = ra["corrupted"].value("set", nlohmann::json());
  if (!o.out.empty()) {
    write_file_atomic(o.out, out.dump(2) + "\n");
    write_file_atomic(fs::path(o.out).replace_extension(".md").string(), compare_markdown(out));
  }
  return out;
}

std::string compare_markdown(const nlohmann::json& c) {
  auto fixed = [](const nlohmann::json& v) {
    return v.is_number() ? fmt::format("{:.4f}", v.get<double>()) : std::string("–");
  };
  std::string out =
      fmt::format("A = {}\nB = {}\n\n", c.at("a").get<std::string>(), c.at("b").get<std::string>());
  out += "| metric | A | B | A - B | 95% interval | A better in |\n";
  out += "|---|---:|---:|---:|---:|---:|\n";
  for (const auto& r : c.at("rows")) {
    const auto& ci = r.at("difference_ci95");
    out += fmt::format("| {} | {} | {} | {:+.4f} | [{:+.4f}, {:+.4f}] | {:.1f}% |\n",
                       r.at("metric").get<std::string>(), fixed(r["a"]), fixed(r["b"]),
                       r["difference"].is_number() ? r["difference"].get<double>() : 0.0,
                       ci.is_array() ? ci[0].get<double>() : 0.0,
                       ci.is_array() ? ci[1].get<double>() : 0.0,
                       100.0 * r.at("a_better_fraction").get<double>());
  }
  out += fmt::format("\nMethod ({} resamples, seed {}, {} test images): {}.\n",
                     c.at("resamples").get<int64_t>(), c.at("seed").get<uint64_t>(),
                     c.at("images").get<int64_t>(), c.at("method").get<std::string>());
  return out;
}

}  // namespace dign::eval
