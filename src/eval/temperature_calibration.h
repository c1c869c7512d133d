#pragma once
// `dign calibrate`: fit a run's temperature (temperature_scaling.h) on held-out images and
// store it beside the weights (DIR/calibration.json, the weights untouched); `dign eval` finds
// it there and reports calibration with and without it.
//
// The held-out images are the run's --val-split images, drawn exactly as training drew them
// (data::split_validation on the training split after --train-limit), or, for a run without a
// validation split, --calib-split N images drawn the same way from its training split: images
// the model was trained on, which the record and a warning say. Never the test split.
//
//   CalibrateOptions o;
//   o.model_dir = "runs/a";
//   o.data.path = "data/cifar-10-batches-bin";
//   nlohmann::json record = run_calibration(o, progress);  // writes runs/a/calibration.json
//   nlohmann::json applied = find_calibration("runs/a", "runs/a/best.ckpt", progress);
#include <nlohmann/json.hpp>

#include <string>

#include "core/machine_options.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "data/image_set.h"
#include "run/run_config.h"

namespace dign::eval {

struct CalibrateOptions {
  /// Run directory written by `dign train`.
  std::string model_dir;
  /// best | last | a checkpoint path. Default: best.
  std::string checkpoint = "best";
  /// The data the run was trained on: only `path` (and `format`) are taken from here, every
  /// other data option from the run's config.json, so that its split is drawn again.
  data::DataOptions data;
  /// Which images: "auto" (the run's validation split, else the --calib-split hold-out),
  /// "validation", "train" (--calib-split N of the training split); "test" is refused.
  std::string split = "auto";
  /// N held-out images: of the training split for a run without --val-split (required then),
  /// of its validation images otherwise (0 = all of them). Default: 0
  int64_t calib_split = 0;
  /// Calibration bins of the ECE before and after. Default: 16 (as dign eval).
  int64_t bins = 16;
  /// Images per forward pass. Default: 500.
  int64_t batch_size = 500;
  MachineOptions machine;
  /// The record; default <model_dir>/calibration.json, the file `dign eval` reads.
  std::string out;
};

/// The file `dign eval` reads: <run_dir>/calibration.json.
std::string calibration_path(const std::string& run_dir);

struct HeldOutImages {
  data::ImageSet images;
  std::string split;  ///< "validation" or "train"
  bool seen_in_training = false;
};

/// The held-out images of a run (config: its config.json; train: the dataset's training split
/// as read, before --train-limit). dign::Error naming --split, --calib-split or --data when the
/// request does not fit the run or the images are not the ones the run recorded (content hash).
HeldOutImages held_out_images(const run::RunConfig& config, const data::ImageSet& train,
                              const CalibrateOptions& options);

/// Fits the temperature and writes the record (atomically); returns it.
nlohmann::json run_calibration(const CalibrateOptions& options, Progress& progress);

/// The report's "calibration_temperature" record ({value, source, split, images, ...}) when
/// <run_dir>/calibration.json exists and was fitted on `checkpoint` (same content hash); null
/// otherwise (`progress` says why when a record exists but does not apply). dign::Error naming
/// the file when it exists but cannot be read.
nlohmann::json find_calibration(const std::string& run_dir, const std::string& checkpoint,
                                Progress& progress);

}  // namespace dign::eval
