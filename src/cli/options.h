#pragma once
// Options shared by several subcommands, declared once.
#include <CLI/CLI.hpp>

#include "corrupt/generated_set.h"
#include "data/dataset.h"

namespace dign::cli {

/// --data, --format, --image-size, --synthetic-train, --synthetic-test, --synthetic-seed.
void add_data_options(CLI::App& command, data::DataOptions& data, bool required);

/// --threads, --device, --precision, --memory-format.
void add_machine_options(CLI::App& command, int& threads, std::string& device,
                         std::string& precision, std::string& memory_format);

/// --corruptions, --severities, --corrupt-seed (or `seed_flag`), --frost-dir.
void add_corruption_options(CLI::App& command, corrupt::GenerateOptions& generate,
                            const std::string& seed_flag = "--corrupt-seed");

}  // namespace dign::cli
