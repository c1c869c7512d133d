#pragma once
// `dign experiment tables`: finished runs' evaluation reports laid out as the paper's tables,
// mean ± population standard deviation over seeds (numpy's default, as the paper's code),
// a missing seed reported in its cell, never averaged away. LibTorch-free.
#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "experiment/grid.h"

namespace dign::experiment {

/// One cell: the values per seed of one metric of one setting.
struct Cell {
  std::map<uint64_t, double> values;  ///< seed -> value (fraction, or SH as is)
  std::vector<uint64_t> missing;      ///< seeds of the grid with no value yet
  double mean() const;
  double population_std() const;
};

/// A setting of the grid (runs equal but for the seed): label and the reports of its seeds.
struct Setting {
  std::string label;
  std::string method;
  std::string arch;  ///< the runs' architecture (models/catalog.h: resnet18, densenet121, ...)
  nlohmann::json method_options;
  std::map<uint64_t, std::optional<nlohmann::json>> reports;  ///< seed -> report (none = missing)
  /// The architecture's normalisation (models::arch_norm): the paper trained plain BatchNorm
  /// ("bn") only, so "dubin" gets no published values.
  std::string norm = "bn";
};

/// A table in the paper's layout: rows of metrics, columns of settings (or the transpose for
/// Tables 6 and 7, one row per setting).
struct Table {
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::string> row_labels;
  std::vector<std::vector<Cell>> cells;                   ///< [row][column]
  std::vector<std::vector<std::optional<double>>> paper;  ///< published value, percent
  std::vector<bool> percent;  ///< per row (Tables 1-4) or per column (6, 7)
  bool by_row = true;         ///< percent indexed by row
};

/// Settings of the grid in order of first appearance, with each seed's report (nullopt when
/// the run is not done). `reports` maps run index -> report. (A label the grid gives runs of
/// several architectures names the architecture, "<label> arch=<arch>": one setting each.)
std::vector<Setting> settings_of(const Grid& grid,
                                 const std::vector<std::optional<nlohmann::json>>& reports);

/// The tables the grid's settings support: 1, 2, 3/4 always; 6 when DiGN runs differ in
/// lambda, sigma_max or samples; 7 when some DiGN run uses the JS consistency; robust
/// accuracy when reports have attacks; last, a summary with one row per setting (clean
/// accuracy, mCA-N, mCA, clean RMSE, RMSE-N, each attack). `paper` (published_datasets(); "" for
/// none) adds the published values (paper_values.h) of each setting's architecture to the settings
/// that train their method with the paper's options for that dataset (the method's defaults
/// with the dataset's preset, run/presets.h: DiGN lambda 0.3 on CIFAR-100, ...).
std::vector<Table> build_tables(const std::vector<Setting>& settings, const std::string& paper);

std::string tables_markdown(const std::vector<Table>& tables, int digits = 1);
std::string tables_csv(const std::vector<Table>& tables);
nlohmann::json tables_json(const std::vector<Table>& tables);

}  // namespace dign::experiment
