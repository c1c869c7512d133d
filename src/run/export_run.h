#pragma once
// `dign export`: a trained run's model as a file PyTorch loads in one line, with the same logits
// and the normalization inside:
//   torchscript  torch.jit.load(FILE)(x); `dign eval --model FILE` reads it back too
//                (models/torchscript_export.h)
//   state-dict   torch.load(FILE, weights_only=True), names as python/dign_reference.py's
//                (models/state_dict_file.h)
// Each file is read back and checked (the same logits on a probe batch; the same names, shapes
// and values) before it is written, atomically.
//
//   ExportOptions o;
//   o.model_dir = "runs/a";
//   o.out = "a.pt";
//   run_export(o, progress);
#include <nlohmann/json.hpp>

#include <string>

#include "core/progress.h"

namespace dign::run {

struct ExportOptions {
  /// Run directory written by `dign train`.
  std::string model_dir;
  /// best | last | a checkpoint path. Default: best.
  std::string checkpoint = "best";
  /// The file written.
  std::string out;
  /// torchscript | state-dict. Default: torchscript.
  std::string format = "torchscript";
  /// dign::OptionError naming the field.
  void validate() const;
};

/// Writes the file; returns the record stored with it (the model record, the run, dign's
/// version). dign::Error on bad input or a failed read-back check.
nlohmann::json run_export(const ExportOptions& options, Progress& progress);

}  // namespace dign::run
