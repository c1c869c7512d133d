#pragma once
// Options shared by several subcommands, declared once.
#include <CLI/CLI.hpp>

#include "corrupt/generated_set.h"
#include "data/dataset.h"
#include "objectives/method_options.h"

namespace dign::cli {

/// --data, --format, --image-size, --synthetic-train, --synthetic-test, --synthetic-seed.
void add_data_options(CLI::App& command, data::DataOptions& data, bool required);

/// --threads, --device, --precision, --memory-format.
void add_machine_options(CLI::App& command, int& threads, std::string& device,
                         std::string& precision, std::string& memory_format);

/// The command line's view of a MethodConfig: the method's options as plain values, since
/// the options structs are reached through setters.
struct MethodArgs {
  std::string method;
  double lambda = 0, sigma_max = 0, sigma = 0;
  int64_t samples = 0, ensemble = 0;
  bool concat_views = false;

  MethodArgs() { bind(objectives::MethodConfig{}); }
  /// Takes every value from `config` (the defaults, or a resumed run's saved options).
  void bind(const objectives::MethodConfig& config);
  /// The configuration the values describe (--sigma-max sets both DiGN's and GN's).
  objectives::MethodConfig config() const;
};

/// --method, --lambda, --sigma-max, --samples, --concat-views, --sigma, --ensemble.
void add_method_options(CLI::App& command, MethodArgs& args);

/// --corruptions, --severities, --corrupt-seed (or `seed_flag`), --frost-dir.
void add_corruption_options(CLI::App& command, corrupt::GenerateOptions& generate,
                            const std::string& seed_flag = "--corrupt-seed");

}  // namespace dign::cli
