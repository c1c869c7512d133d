#pragma once
// `dign corrupt`: a corrupted set written in the official CIFAR-10-C layout, so any
// CIFAR-10-C tool can read it: `<corruption>.npy` uint8 (S*N, H, W, 3), lowest
// severity first; `labels.npy` (S*N,), the labels repeated once per severity; and
// `manifest.json` (source data and hash, order, seed, severities, frost source,
// tool version), written last: a directory without it is not complete. Every file
// is written to a temporary name and renamed.
#include <nlohmann/json.hpp>

#include <string>

#include "core/progress.h"
#include "data/corrupted_set.h"

namespace dign::corrupt {

/// Writes `set` into `dir` (created if needed). `source` describes the data the set was
/// made from (path, format, content hash, order) and goes into manifest.json. Refuses a
/// directory holding .npy files this set would not replace (they would count as
/// corruptions when the directory is evaluated). One line per file to `progress`.
void write_corrupted_set(const data::CorruptedSet& set, const std::string& dir,
                         const nlohmann::json& source, Progress& progress);

}  // namespace dign::corrupt
