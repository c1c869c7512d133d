#pragma once
// Per-image predictions of a condition: what `dign eval --bootstrap` resamples and what
// `--save-predictions DIR` writes, so that `dign compare` can pair two models on the same
// images. Files, one triple per report section (clean, gaussian_noise, corrupted):
//   DIR/<section>.confidence.npy  float32 [..., N]  max softmax probability
//   DIR/<section>.predicted.npy   int32   [..., N]  argmax class
//   DIR/<section>.label.npy       int32   [..., N]  the image's label
// with the leading dimensions [] (clean), [levels] (gaussian_noise, the report's order) or
// [corruptions, severities] (corrupted, the report's order), images in reader order.
#include <cstdint>
#include <string>
#include <vector>

#include "metrics/bootstrap.h"

namespace dign::eval {

struct PredictionRecords {
  std::vector<float> confidence;
  std::vector<uint8_t> correct;
  std::vector<int32_t> predicted;
  std::vector<int32_t> label;
  void resize(int64_t n);
  int64_t size() const { return static_cast<int64_t>(confidence.size()); }
  metrics::BinnedPredictions binned(int64_t bins) const;
};

/// Writes the section's three files (atomically); records: prod(leading) entries of one size.
void write_predictions(const std::string& dir, const std::string& section,
                       const std::vector<const PredictionRecords*>& records,
                       const std::vector<int64_t>& leading);

/// Reads them back, in C order of `leading`; dign::Error naming the file when it is missing or
/// its shape is not leading + [n] for one n.
std::vector<PredictionRecords> read_predictions(const std::string& dir, const std::string& section,
                                                const std::vector<int64_t>& leading);

}  // namespace dign::eval
