#include "experiment/tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/error.h"
#include "experiment/paper_values.h"
#include "objectives/method.h"
#include "run/presets.h"

namespace dign::experiment {
namespace {

using nlohmann::json;
using Metric = std::function<std::optional<double>(const json&)>;

/// report[a][b]... as a number, or nullopt when absent or null.
std::optional<double> at(const json& r, std::initializer_list<const char*> path) {
  const json* j = &r;
  for (const char* key : path) {
    if (!j->is_object() || !j->contains(key)) return std::nullopt;
    j = &j->at(key);
  }
  if (!j->is_number()) return std::nullopt;
  return j->get<double>();
}

Metric path(std::initializer_list<const char*> p) {
  std::vector<const char*> keys(p);
  return [keys](const json& r) -> std::optional<double> {
    const json* j = &r;
    for (const char* key : keys) {
      if (!j->is_object() || !j->contains(key)) return std::nullopt;
      j = &j->at(key);
    }
    return j->is_number() ? std::optional<double>(j->get<double>()) : std::nullopt;
  };
}

Metric corruption(const std::string& name) {
  return [name](const json& r) -> std::optional<double> {
    if (!r.contains("corrupted")) return std::nullopt;
    for (const auto& row : r["corrupted"].value("per_corruption", json::array())) {
      if (row.value("name", "") == name) return at(row, {"mean_accuracy"});
    }
    return std::nullopt;
  };
}

Cell cell_of(const Setting& s, const Metric& metric) {
  Cell c;
  for (const auto& [seed, report] : s.reports) {
    std::optional<double> v = report ? metric(*report) : std::nullopt;
    if (v) {
      c.values[seed] = *v;
    } else {
      c.missing.push_back(seed);
    }
  }
  return c;
}

struct Row {
  std::string label;
  Metric metric;
  bool percent;
  const char* paper_key;  ///< paper_values.h metric key, or nullptr
};

/// Does `s` train its method as the paper did on the dataset `paper`: plain BatchNorm, the
/// method's defaults with the dataset's preset applied (DiGN lambda 0.3 on CIFAR-100,
/// sigma_max 0.6 on Tiny-ImageNet, ...)?
bool paper_options(const Setting& s, const std::string& paper) {
  if (s.norm != "bn") return false;
  json expected = objectives::to_json(objectives::MethodConfig::named(s.method));
  const json& preset = run::preset_named(paper).methods;
  if (preset.contains(s.method)) {
    for (const auto& [key, value] : preset.at(s.method).items()) expected[key] = value;
  }
  return s.method_options == expected;
}

/// Rows of metrics, one column per setting (Tables 1-4).
Table by_metric(const std::string& title, const std::vector<Setting>& settings,
                const std::vector<Row>& rows, const std::string& paper) {
  Table t;
  t.title = title;
  std::vector<bool> shown;  // per setting: the paper's values apply
  for (const auto& s : settings) {
    t.columns.push_back(s.label);
    shown.push_back(!paper.empty() && paper_options(s, paper));
  }
  for (const auto& row : rows) {
    t.row_labels.push_back(row.label);
    t.percent.push_back(row.percent);
    t.cells.emplace_back();
    t.paper.emplace_back();
    for (size_t c = 0; c < settings.size(); ++c) {
      const Setting& s = settings[c];
      t.cells.back().push_back(cell_of(s, row.metric));
      t.paper.back().push_back(shown[c] && row.paper_key
                                   ? published(paper, s.arch, s.method, row.paper_key)
                                   : std::nullopt);
    }
  }
  return t;
}

/// One row per setting, the metrics as columns: the transpose of a by-metric table.
Table transposed(const Table& m, const std::string& title) {
  Table t;
  t.title = title;
  t.by_row = false;
  t.columns = m.row_labels;
  t.percent = m.percent;
  t.row_labels = m.columns;
  for (size_t s = 0; s < m.columns.size(); ++s) {
    t.cells.emplace_back();
    t.paper.emplace_back();
    for (size_t r = 0; r < m.row_labels.size(); ++r) {
      t.cells.back().push_back(m.cells[r][s]);
      t.paper.back().push_back(m.paper[r][s]);
    }
  }
  return t;
}

std::string number(double v, int digits) {
  return fmt::format("{:.{}f}", v, digits);
}

std::string render(const Cell& c, bool percent, const std::optional<double>& paper, int digits) {
  const double scale = percent ? 100.0 : 1.0;
  std::string s;
  if (c.values.empty()) {
    s = "n/a";
  } else if (c.values.size() == 1) {
    s = number(c.mean() * scale, digits);
  } else {
    s = number(c.mean() * scale, digits) + "±" + number(c.population_std() * scale, digits);
  }
  if (!c.missing.empty() && !c.values.empty()) {
    std::string seeds;
    for (auto m : c.missing) seeds += (seeds.empty() ? "s" : ", s") + std::to_string(m);
    s += fmt::format(" ({} of {} seeds; missing {})", c.values.size(),
                     c.values.size() + c.missing.size(), seeds);
  }
  if (paper) s += " [" + number(*paper, 1) + "]";
  return s;
}

}  // namespace

double Cell::mean() const {
  double sum = 0;
  for (const auto& [_, v] : values) sum += v;
  return values.empty() ? NAN : sum / static_cast<double>(values.size());
}

double Cell::population_std() const {
  if (values.empty()) return NAN;
  const double m = mean();
  double sum = 0;
  for (const auto& [_, v] : values) sum += (v - m) * (v - m);
  return std::sqrt(sum / static_cast<double>(values.size()));  // ddof = 0, numpy's default
}

std::vector<Setting> settings_of(const Grid& grid,
                                 const std::vector<std::optional<json>>& reports) {
  std::vector<Setting> out;
  for (size_t i = 0; i < grid.runs.size(); ++i) {
    const auto& run = grid.runs[i];
    Setting* s = nullptr;
    for (auto& existing : out) {
      if (existing.label == run.label) s = &existing;
    }
    if (!s) {
      out.push_back({run.label,
                     run.method,
                     run.arch,
                     run.identity.at("method"),
                     {},
                     run.identity.at("model").value("norm", "bn")});
      s = &out.back();
    }
    s->reports[run.seed] = reports.at(i);
  }
  return out;
}

std::vector<Table> build_tables(const std::vector<Setting>& settings, const std::string& paper) {
  const auto& datasets = published_datasets();
  std::string names;
  for (const auto& d : datasets) names += d + ", ";
  DIGN_CHECK(paper.empty() || std::find(datasets.begin(), datasets.end(), paper) != datasets.end(),
             "build_tables: paper: no published values for '", paper, "' (expected ", names,
             "or none)");
  const std::vector<Row> t1 = {
      {"Clean acc.", path({"clean", "accuracy"}), true, "clean"},
      {"mCA-N", path({"corrupted", "mca_n"}), true, "mca_n"},
      {"Gaussian noise", corruption("gaussian_noise"), true, "gaussian_noise"},
      {"Impulse noise", corruption("impulse_noise"), true, "impulse_noise"},
      {"Shot noise", corruption("shot_noise"), true, "shot_noise"},
      {"Speckle noise", corruption("speckle_noise"), true, "speckle_noise"}};
  const std::vector<Row> t2 = {{"Clean RMSE", path({"clean", "rmse"}), true, "clean_rmse"},
                               {"Clean ECE", path({"clean", "ece"}), true, "clean_ece"},
                               {"Clean OE", path({"clean", "oe"}), true, "clean_oe"},
                               {"Clean SH", path({"clean", "sharpness"}), false, "clean_sh"},
                               {"RMSE-N", path({"corrupted", "noise", "rmse"}), true, "rmse_n"},
                               {"ECE-N", path({"corrupted", "noise", "ece"}), true, "ece_n"},
                               {"OE-N", path({"corrupted", "noise", "oe"}), true, "oe_n"},
                               {"SH-N", path({"corrupted", "noise", "sharpness"}), false, "sh_n"}};
  const std::vector<Row> t34 = {{"Clean acc.", path({"clean", "accuracy"}), true, "clean"},
                                {"mCA-N", path({"corrupted", "mca_n"}), true, "mca_n"},
                                {"mCA", path({"corrupted", "mca"}), true, "mca"},
                                {"Clean RMSE", path({"clean", "rmse"}), true, "clean_rmse"},
                                {"RMSE-N", path({"corrupted", "noise", "rmse"}), true, "rmse_n"},
                                {"RMSE", path({"corrupted", "all", "rmse"}), true, "rmse"}};
  std::vector<Table> tables = {
      by_metric("Table 1 layout: accuracy, %", settings, t1, paper),
      by_metric("Table 2 layout: calibration, % (SH plain)", settings, t2, paper),
      by_metric("Tables 3/4 layout: all common corruptions, %", settings, t34, paper)};

  // Tables 6 and 7: one row per DiGN setting.
  std::vector<const Setting*> dign;
  bool js = false, varied = false;
  for (const auto& s : settings) {
    if (s.method != "dign") continue;
    js |= s.method_options.value("consistency", "kl") == "js";
    if (!dign.empty()) {
      for (const char* k : {"lambda", "sigma_max", "samples"}) {
        varied |= s.method_options.value(k, json()) != dign[0]->method_options.value(k, json());
      }
    }
    dign.push_back(&s);
  }
  auto per_setting = [&](const std::string& title, const std::vector<Row>& columns,
                         const char* table_key) {
    Table t;
    t.title = title;
    t.by_row = false;
    for (const auto& c : columns) t.columns.push_back(c.label), t.percent.push_back(c.percent);
    for (const Setting* s : dign) {
      const json& m = s->method_options;
      t.row_labels.push_back(fmt::format("{} (lambda {}, sigma_max {}, n {}, {})", s->label,
                                         m.value("lambda", 0.0), m.value("sigma_max", 0.0),
                                         m.value("samples", 0), m.value("consistency", "kl")));
      t.cells.emplace_back();
      t.paper.emplace_back();
      for (const auto& c : columns) {
        t.cells.back().push_back(cell_of(*s, c.metric));
        t.paper.back().push_back(paper.empty()
                                     ? std::nullopt
                                     : published_dign(paper, s->arch, table_key, m, c.paper_key));
      }
    }
    tables.push_back(std::move(t));
  };
  if (varied) {
    per_setting("Table 6 layout: sensitivity to lambda, sigma_max, n, %", {t34[0], t34[1], t34[2]},
                "t6");
  }
  if (js)
    per_setting("Table 7 layout: KL against JS consistency, %",
                {t1[0], t1[1], t1[2], t1[3], t1[4], t1[5], t34[3], t34[4]}, "t7");

  // Robust accuracy, one row per attack found in the reports.
  std::vector<Row> attacks;
  for (const auto& s : settings) {
    for (const auto& [_, r] : s.reports) {
      if (!r) continue;
      for (const auto& a : r->value("adversarial", json::array())) {
        const std::string label =
            fmt::format("{} {} eps {:.4g}, {} steps", a.value("attack", ""), a.value("norm", ""),
                        a.value("epsilon", 0.0), a.value("steps", 0));
        bool known = false;
        for (const auto& row : attacks) known |= row.label == label;
        if (known) continue;
        attacks.push_back({label,
                           [label](const json& rep) -> std::optional<double> {
                             for (const auto& x : rep.value("adversarial", json::array())) {
                               if (fmt::format("{} {} eps {:.4g}, {} steps", x.value("attack", ""),
                                               x.value("norm", ""), x.value("epsilon", 0.0),
                                               x.value("steps", 0)) == label) {
                                 return at(x, {"accuracy"});
                               }
                             }
                             return std::nullopt;
                           },
                           true, nullptr});
      }
    }
  }
  if (!attacks.empty()) {
    tables.push_back(by_metric("Robust accuracy under attack, %", settings, attacks, ""));
  }
  // The headline: Tables 3/4's metrics without the whole-set RMSE, then each attack.
  std::vector<Row> summary(t34.begin(), t34.begin() + 5);
  summary.insert(summary.end(), attacks.begin(), attacks.end());
  tables.push_back(
      transposed(by_metric("", settings, summary, paper), "Summary: one row per setting, %"));
  return tables;
}

std::string tables_markdown(const std::vector<Table>& tables, int digits) {
  std::string out =
      "Mean ± population standard deviation over seeds (ddof 0, as the paper's code computes "
      "it); a cell lacking seeds says which; [x]: the paper's published value (mean of 3 runs) "
      "for the grid's dataset and the setting's architecture, where the paper gives one.\n\n";
  for (const auto& t : tables) {
    out += "**" + t.title + "**\n\n| |";
    for (const auto& c : t.columns) out += " " + c + " |";
    out += "\n|---|";
    for (size_t i = 0; i < t.columns.size(); ++i) out += "---:|";
    out += "\n";
    for (size_t r = 0; r < t.row_labels.size(); ++r) {
      out += "| " + t.row_labels[r] + " |";
      for (size_t c = 0; c < t.columns.size(); ++c) {
        const bool pct = t.by_row ? t.percent[r] : t.percent[c];
        out += " " + render(t.cells[r][c], pct, t.paper[r][c], digits) + " |";
      }
      out += "\n";
    }
    out += "\n";
  }
  return out;
}

std::string tables_csv(const std::vector<Table>& tables) {
  std::string out = "table,row,column,mean,std_population,seeds,missing_seeds,paper,unit\n";
  auto quote = [](const std::string& s) { return "\"" + s + "\""; };
  for (const auto& t : tables) {
    for (size_t r = 0; r < t.row_labels.size(); ++r) {
      for (size_t c = 0; c < t.columns.size(); ++c) {
        const Cell& cell = t.cells[r][c];
        std::string missing;
        for (auto m : cell.missing) missing += (missing.empty() ? "" : " ") + std::to_string(m);
        const bool pct = t.by_row ? t.percent[r] : t.percent[c];
        out += fmt::format(
            "{},{},{},{},{},{},{},{},{}\n", quote(t.title), quote(t.row_labels[r]),
            quote(t.columns[c]), cell.values.empty() ? "" : fmt::format("{:.6g}", cell.mean()),
            cell.values.empty() ? "" : fmt::format("{:.6g}", cell.population_std()),
            cell.values.size(), missing,
            t.paper[r][c] ? fmt::format("{:g}", *t.paper[r][c] / (pct ? 100.0 : 1.0)) : "",
            pct ? "fraction" : "plain");
      }
    }
  }
  return out;
}

json tables_json(const std::vector<Table>& tables) {
  json out = {{"std", "population (ddof 0), as the paper's code"}, {"tables", json::array()}};
  for (const auto& t : tables) {
    json rows = json::array();
    for (size_t r = 0; r < t.row_labels.size(); ++r) {
      json cells = json::object();
      for (size_t c = 0; c < t.columns.size(); ++c) {
        const Cell& cell = t.cells[r][c];
        json values = json::object();
        for (const auto& [seed, v] : cell.values) values[std::to_string(seed)] = v;
        const bool pct = t.by_row ? t.percent[r] : t.percent[c];
        cells[t.columns[c]] = {
            {"mean", cell.values.empty() ? json() : json(cell.mean())},
            {"std", cell.values.empty() ? json() : json(cell.population_std())},
            {"values", values},
            {"missing_seeds", cell.missing},
            {"paper", t.paper[r][c] ? json(*t.paper[r][c] / (pct ? 100.0 : 1.0)) : json()}};
      }
      rows.push_back({{"row", t.row_labels[r]}, {"cells", cells}});
    }
    out["tables"].push_back({{"title", t.title}, {"rows", rows}});
  }
  return out;
}

}  // namespace dign::experiment
