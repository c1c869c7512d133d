#pragma once
// Options shared by several subcommands, declared once.
#include <CLI/CLI.hpp>

#include "core/machine_options.h"
#include "corrupt/generated_set.h"
#include "data/dataset.h"

namespace dign::cli {

/// --data, --format, --image-size, --synthetic-train, --synthetic-test, --synthetic-seed.
void add_data_options(CLI::App& command, data::DataOptions& data, bool required);

/// --resize: the shorter side test images are resized to before the centre crop of
/// --image-size (the ImageNet evaluation crop), for the commands that read test images.
void add_resize_option(CLI::App& command, data::DataOptions& data);

/// --threads, --device, --precision, --memory-format.
void add_machine_options(CLI::App& command, MachineOptions& machine);

/// SIGINT and SIGTERM handlers for the commands that train: the first signal asks the running
/// step to finish and a checkpoint to be written (exit 130 / 143); a second SIGINT exits at once.
void install_stop_handlers();

/// --quiet: no messages or progress (warnings and errors stay). Every long-running command.
void add_quiet_option(CLI::App& command, bool& quiet);

/// --corruptions, --severities, --corruption-seed, --frost-dir, --final-jpeg-quality: the
/// corrupted set `dign corrupt` writes and `dign eval --corrupted generate` makes in memory.
void add_corruption_options(CLI::App& command, corrupt::GenerateOptions& generate);

}  // namespace dign::cli
