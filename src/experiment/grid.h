#pragma once
// An experiment grid file (JSON) and the runs it expands to. LibTorch-free.
//
//   {"name": "cifar10-cpu", "runs_root": "runs/cifar10-cpu",
//    "train": {"data": {"path": "data/cifar10"}, "model": {"arch": "resnet18", "width": 16},
//              "epochs": 15, "lr_milestones": [7, 11], "augment": "crop,flip"},
//    "runs": [{"method": ["standard", "dign"], "seed": [0, 1, 2]},
//             {"method": {"method": "dign", "consistency": "js"}, "seed": 0}],
//    "evaluation": {"corrupted": "generate", "attacks": [{"kind": "pgd", "limit": 1000}]},
//    "landscape": {"labels": ["standard", "dign"], "seed": 0}}
//
// "train" and each entry of "runs" are config.json's "options" records, partially: any value
// given as a list (a list of lists for a list-valued option such as lr_milestones) is an axis
// of the grid. Every entry is parsed through the method and architecture catalogs, so an
// unknown option, or one of another method, is an error naming the file and entry before
// any run starts.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "eval/attack_options.h"
#include "landscape/landscape_options.h"
#include "run/train_options.h"

namespace dign::experiment {

/// What `dign eval` measures on each finished run (its defaults where the file is silent).
struct EvaluationSpec {
  bool enabled = true;
  std::string report = "eval.json";  ///< file name inside the run directory
  std::vector<double> noise_sigmas = {0.05, 0.1, 0.2, 0.3};
  std::string corrupted;  ///< "" (none), "generate", or a CIFAR-10-C style directory
  uint64_t corruption_seed = 0;
  std::vector<int> severities = {1, 2, 3, 4, 5};
  /// Under their field names ("kind", "epsilon", ...), with `dign eval`'s rules.
  std::vector<eval::AttackOptions> attacks;
  int64_t test_limit = 0;
  nlohmann::json to_json() const;
};

/// One training run of the grid.
struct RunSpec {
  std::string name;   ///< directory name: <method>-<arch>-s<seed>-<hash>
  std::string entry;  ///< "FILE: runs[i] (method, seed)" for messages
  /// The setting without the seed: method + options that set it apart, and " arch=<arch>"
  /// when the grid gives the same label to runs of several architectures.
  std::string label;
  std::string method, arch;
  uint64_t seed = 0;
  nlohmann::json identity;    ///< canonical settings (run_identity)
  run::TrainOptions options;  ///< out = runs_root/name
};

struct LandscapeSpec {
  bool enabled = false;
  std::vector<std::string> labels;  ///< runs measured, by label, at `seed`
  uint64_t seed = 0;
  int64_t limit = 1000;
  landscape::LandscapeOptions options;
  std::string name;          ///< output directory name: landscape-<hash>
  std::vector<size_t> runs;  ///< indices into Grid::runs, in `labels` order
};

struct Grid {
  std::string file;
  std::string name;
  std::string runs_root;
  /// The dataset whose published values `tables --paper` shows (paper_values.h: "cifar10",
  /// "cifar100", "tiny-imagenet"; "" for none, which `--paper` reads as "cifar10").
  std::string paper;
  std::vector<RunSpec> runs;
  EvaluationSpec evaluation;
  LandscapeSpec landscape;
};

/// The settings that define a run's result: config.json's options without the output
/// directory, machine settings, checkpointing and the preset's bookkeeping (what `dign train
/// --resume` lets change). Equal identities = the same run.
nlohmann::json run_identity(const run::TrainOptions& options);
/// The first 8 hex digits of xxh3 over the identity's canonical (sorted, compact) JSON.
std::string identity_hash(const nlohmann::json& identity);

/// Reads and expands `path`; `runs_root` (if not empty) overrides the file's. dign::Error
/// naming the file and entry for any bad input.
Grid load_grid(const std::string& path, const std::string& runs_root = "");
/// The same from parsed JSON; `source` names it in errors.
Grid parse_grid(const nlohmann::json& j, const std::string& source,
                const std::string& runs_root = "");

}  // namespace dign::experiment
